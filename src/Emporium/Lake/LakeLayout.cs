using System.Globalization;
using System.Text;
using Emporium.Datasets;

namespace Emporium.Lake;

/// <summary>Where things live in the lake. Zones: <c>raw/&lt;dataset&gt;/year=YYYY/month=MM/day=DD/…</c> (as received),
/// <c>clean/&lt;dataset&gt;/date=YYYY-MM-DD/…</c> (typed Parquet; orders also by country, as seed 003 partitioned
/// them), <c>stage/&lt;name&gt;/ds=YYYY-MM-DD/…</c> (DAG intermediates) and <c>_manifests/…</c> (what is visible).
/// Hive-style <c>key=value</c> folders so DuckDB, Spark and Athena read the partitions as columns.</summary>
public static class LakeLayout
{
    public const string Raw = "raw";
    public const string Clean = "clean";
    public const string Stage = "stage";
    public const string Manifests = "_manifests";

    /// <summary>Clean-zone partition columns after the date, per dataset.</summary>
    private static readonly Dictionary<string, string[]> ExtraPartitions = new(StringComparer.Ordinal)
    {
        ["orders"] = ["country"],
    };

    public static IReadOnlyList<string> CleanPartitionColumns(DatasetSchema schema) =>
        ExtraPartitions.TryGetValue(schema.Name, out var columns) ? columns : [];

    public static string RawFolder(string dataset, DateOnly day) =>
        $"{Raw}/{dataset}/year={day.Year:D4}/month={day.Month:D2}/day={day.Day:D2}";

    public static string CleanFolder(string dataset, DateOnly date, IEnumerable<(string Column, string? Value)>? more = null)
    {
        var path = new StringBuilder($"{Clean}/{dataset}/date={Date(date)}");
        foreach (var (column, value) in more ?? [])
        {
            path.Append('/').Append(column).Append('=').Append(PartitionValue(value));
        }
        return path.ToString();
    }

    public static string StageFolder(string name, DateOnly ds) => $"{Stage}/{name}/ds={Date(ds)}";

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The Hive partitions (<c>key=value</c> folders) of a lake path, values decoded, in path order.</summary>
    public static IEnumerable<(string Key, string Value)> PartitionsOf(string path)
    {
        var segments = path.Split('/');
        foreach (var segment in segments.Take(segments.Length - 1))
        {
            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                yield return (segment[..equals], Uri.UnescapeDataString(segment[(equals + 1)..]));
            }
        }
    }

    /// <summary>Hive's folder name for a null partition value.</summary>
    public const string NullPartition = "__HIVE_DEFAULT_PARTITION__";

    /// <summary>A partition value safe in any object store path: characters outside [A-Za-z0-9 ._-] are
    /// percent-encoded (as Hive does), null and empty become Hive's default partition name.</summary>
    public static string PartitionValue(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return NullPartition;
        }
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') && !(builder.Length == 0 && c == '.'))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }
        return builder.ToString();
    }

    /// <summary>Deterministic file stem for the log offsets [first, last] of one partition, e.g.
    /// <c>p0-000000000100-000000000199</c>: re-processing the same range writes the same names.</summary>
    public static string OffsetRange(int partition, long first, long last) =>
        string.Create(CultureInfo.InvariantCulture, $"p{partition}-{first:D12}-{last:D12}");

    /// <summary>Id (and file stem) of the merge of a partition's offsets [first, last] at a compaction level, e.g.
    /// <c>p0-000000000100-000000009999.c1</c>: it parses as that range, and never names what a flush writes.</summary>
    public static string CompactedRange(int partition, long first, long last, int level) =>
        string.Create(CultureInfo.InvariantCulture, $"{OffsetRange(partition, first, last)}.c{level}");

    /// <summary>Parses a name starting with an <see cref="OffsetRange"/> stem (any extension).</summary>
    public static bool TryParseOffsetRange(string fileName, out int partition, out long first, out long last)
    {
        partition = 0;
        first = last = 0;
        var stem = fileName.Split('.')[0];
        var parts = stem.Split('-');
        return parts.Length == 3 && parts[0].Length > 1 && parts[0][0] == 'p'
            && int.TryParse(parts[0].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out partition)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out first)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out last);
    }
}
