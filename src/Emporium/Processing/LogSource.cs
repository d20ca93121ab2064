using System.Globalization;
using Emporium.Log;

namespace Emporium.Processing;

/// <summary>The lineage string of rows that came from a log offset range, stored in the warehouse's <c>_source</c>
/// and in manifests: <c>log:&lt;topic&gt;/&lt;partition&gt;:&lt;first&gt;-&lt;last&gt;</c> (inclusive).</summary>
public readonly record struct LogSource(TopicPartition Partition, long First, long Last)
{
    public const string Prefix = "log:";

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Partition.Topic}/{Partition.Partition}:{First}-{Last}");

    /// <summary>The LIKE pattern matching every source of one partition.</summary>
    public static string PartitionPattern(TopicPartition partition) =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}{partition.Topic}/{partition.Partition}:%");

    public static bool TryParse(string? text, out LogSource source)
    {
        source = default;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var colon = text.LastIndexOf(':');
        var slash = text.LastIndexOf('/', colon);
        var dash = text.IndexOf('-', colon);
        if (slash < Prefix.Length || dash < 0
            || !int.TryParse(text.AsSpan(slash + 1, colon - slash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            || !long.TryParse(text.AsSpan(colon + 1, dash - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            return false;
        }
        source = new LogSource(new TopicPartition(text[Prefix.Length..slash], partition), first, last);
        return true;
    }
}
