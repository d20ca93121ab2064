using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;

namespace Emporium.Batch.Loading;

/// <summary>How a file load is recorded in the warehouse offsets table (group "batch"), so the record commits in
/// the same transaction as the rows: topic <c>file:&lt;dataset&gt;:&lt;sha256&gt;</c>, partition 0 = the next source
/// row to read (rows before it are committed), partition 1 = 1 once the whole file, its lake files and manifest are
/// done (0 while a load is in progress, 2 when the file could only be read up to a break such as an unbalanced quote,
/// 3 when a later file of the same name replaced its rows). A file with partition 1 = 1 is skipped; one with only
/// partition 0 resumes there; a failed or replaced one (2, 3) is loaded again from the start, replacing its earlier
/// rows, so a reload reports its error again instead of "already loaded".
/// <para>The record is per dataset because the same content can feed several datasets (a seller search response is
/// both products and seller offers). The rows' <see cref="Source"/> stays <c>file:&lt;sha256&gt;</c>: it is only
/// ever matched within one dataset's table or manifest folder.</para>
/// <para>A load that adds values to the rows (Hive partition folders, <c>--set</c>) is another load of the same bytes
/// for each set of values: <c>Country=France/part-0.csv</c> and an identical <c>Country=Spain/part-0.csv</c> give
/// different rows. Such a load's identity carries the <see cref="Variant"/>, a hash of those values, in its topic
/// (<c>file:&lt;dataset&gt;:&lt;sha256&gt;:&lt;variant&gt;</c>), its rows' source, its manifest and its lake object
/// names, so neither skips, replaces nor overwrites the other.</para></summary>
public readonly record struct FileLoadMarker(string Sha256, string Topic, string? Variant = null)
{
    private const string Prefix = "file:";

    /// <summary>Hex digits of the variant hash: 64 bits, no collision among the value sets of one content.</summary>
    private const int VariantLength = 16;

    /// <summary>The record of <paramref name="sha256"/>'s load into <paramref name="dataset"/>, with the rows'
    /// added values summed up by <paramref name="variant"/> (<see cref="VariantOf"/>; null when none are added).</summary>
    public static FileLoadMarker For(string dataset, string sha256, string? variant = null) =>
        new(sha256, $"{Prefix}{dataset}:{sha256}{(variant is null ? "" : ":" + variant)}", variant);

    /// <summary>The record earlier versions wrote, keyed by content only (<c>file:&lt;sha256&gt;</c>).</summary>
    private static FileLoadMarker Legacy(string sha256) => new(sha256, Prefix + sha256);

    /// <summary>A hash of the values a load adds to the rows, by column (however the folder or <c>--set</c> spelled the
    /// name) in name order, each as the column's cleaning makes it (<c>Country=France</c> and <c>--set
    /// country=FRANCE</c> give the same rows, so the same identity); null when it adds none, so a plain load keeps the
    /// content-only identity it always had.
    /// <para>A <paramref name="recordPath"/> (<see cref="Formats.JsonRecordPath.Chosen"/>: a <c>--json-path</c> picking other
    /// records than the detected ones) enters the hash too: another array of the same document is another load, which
    /// was skipped as "already loaded", and with <c>--force</c> replaced the first array's rows.</para></summary>
    public static string? VariantOf(DatasetSchema schema, IReadOnlyDictionary<string, string>? constants, string? recordPath = null)
    {
        if (constants is not { Count: > 0 } && recordPath is null)
        {
            return null;
        }
        var matcher = FieldNameMatcher.For(schema);
        var text = (recordPath is null ? "" : $"\u001d{recordPath}\u001d") + string.Concat((constants ?? new Dictionary<string, string>())
            .Select(c => matcher.TryMatch(c.Key, out var match)
                ? (Column: schema.Columns[match.Column].Name, Value: Cleaned(schema.Columns[match.Column], c.Value))
                : (Column: c.Key, c.Value))
            .OrderBy(c => c.Column, StringComparer.Ordinal)
            .Select(c => $"{c.Column}\u001f{c.Value}\u001e"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..VariantLength];
    }

    /// <summary>The value as stored (invariant text), or as given when the column refuses it (every row is rejected
    /// then, whatever the identity).</summary>
    private static string Cleaned(ColumnSchema column, string value) =>
        Emporium.Datasets.Values.ValueConverter.Convert(column, value).Value switch
        {
            null => value,
            DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString() ?? value,
        };

    /// <summary>The warehouse rows' <c>_source</c> and the lake manifest's source.</summary>
    public string Source => Prefix + Sha256 + (Variant is null ? "" : ":" + Variant);

    /// <summary>The start of the names of this load's lake objects (clean Parquet, quarantine).</summary>
    public string ObjectStem => $"file-{Sha256[..16]}{(Variant is null ? "" : "-" + Variant)}";

    public TopicPartition Progress => new(Topic, 0);

    public TopicPartition Completion => new(Topic, 1);

    public IReadOnlyDictionary<TopicPartition, long> InProgress(long nextRow) =>
        new Dictionary<TopicPartition, long> { [Progress] = nextRow, [Completion] = 0 };

    public IReadOnlyDictionary<TopicPartition, long> Done(long rows) =>
        new Dictionary<TopicPartition, long> { [Progress] = rows, [Completion] = 1 };

    /// <summary>The file was read up to a break: its good rows are in, but it is not complete.</summary>
    public IReadOnlyDictionary<TopicPartition, long> Failed(long rows) =>
        new Dictionary<TopicPartition, long> { [Progress] = rows, [Completion] = 2 };

    /// <summary>Where a previous run left this file.</summary>
    public (bool Done, long NextRow, bool Failed) Read(IReadOnlyDictionary<TopicPartition, long> offsets) =>
        (offsets.GetValueOrDefault(Completion) == 1, offsets.GetValueOrDefault(Progress), offsets.GetValueOrDefault(Completion) is 2 or 3);

    /// <summary>Whether this file's load ended at a break (2), or was replaced after it (3).</summary>
    public (bool Failed, bool Superseded) State(IReadOnlyDictionary<TopicPartition, long> offsets) =>
        (offsets.GetValueOrDefault(Completion) == 2, offsets.GetValueOrDefault(Completion) == 3);

    /// <summary>The record of <paramref name="sha256"/>'s load into <paramref name="dataset"/> as it stands in
    /// <paramref name="offsets"/>. A data dir written before records were per dataset holds <c>file:&lt;sha256&gt;</c>,
    /// which does not say which dataset it was for. Rather than migrate every such record up front, it is read where
    /// it is found: it is this dataset's when the dataset has a lake manifest of the content (published once loaded,
    /// pending while a load is in progress), and is then kept and updated under its old topic, so a file loaded before
    /// is still skipped and an interrupted one still resumes. Other datasets ignore it and start their own record. A
    /// load with a <paramref name="variant"/> has only its own record: earlier versions wrote none with values.</summary>
    public static async Task<FileLoadMarker> FindAsync(string dataset, string sha256, string? variant, IReadOnlyDictionary<TopicPartition, long> offsets,
        LakeManifestStore manifests, CancellationToken ct)
    {
        var current = For(dataset, sha256, variant);
        var legacy = Legacy(sha256);
        if (variant is not null || offsets.ContainsKey(current.Completion) || offsets.ContainsKey(current.Progress)
            || !(offsets.ContainsKey(legacy.Completion) || offsets.ContainsKey(legacy.Progress)))
        {
            return current;
        }
        return await legacy.HasManifestAsync(dataset, manifests, ct).ConfigureAwait(false) ? legacy : current;
    }

    /// <summary>The load records in <paramref name="offsets"/> that may belong to <paramref name="dataset"/>: its own,
    /// and content-only ones of older data dirs (whose dataset only their manifests tell) for content the dataset has
    /// no record of its own for.</summary>
    public static IEnumerable<FileLoadMarker> Candidates(string dataset, IReadOnlyDictionary<TopicPartition, long> offsets)
    {
        var own = $"{Prefix}{dataset}:";
        var topics = offsets.Keys.Select(k => k.Topic).ToHashSet(StringComparer.Ordinal);
        foreach (var topic in topics)
        {
            if (topic.StartsWith(own, StringComparison.Ordinal) && IsSha(topic[own.Length..]))
            {
                yield return new FileLoadMarker(topic[own.Length..], topic);
            }
            else if (topic.StartsWith(own, StringComparison.Ordinal) && topic[own.Length..].Split(':') is [var sha, var variant]
                && IsSha(sha) && variant.Length == VariantLength && variant.All(char.IsAsciiHexDigitLower))
            {
                yield return new FileLoadMarker(sha, topic, variant);
            }
            else if (topic.StartsWith(Prefix, StringComparison.Ordinal) && IsSha(topic[Prefix.Length..]) && !topics.Contains(own + topic[Prefix.Length..]))
            {
                yield return Legacy(topic[Prefix.Length..]);
            }
        }
    }

    private static bool IsSha(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);

    /// <summary>The lake manifest of this content's load (one per dataset and variant).</summary>
    public string ManifestId => $"file-{Sha256}{(Variant is null ? "" : "-" + Variant)}";

    private async Task<bool> HasManifestAsync(string dataset, LakeManifestStore manifests, CancellationToken ct) =>
        await manifests.ReadPublishedAsync(dataset, ManifestId, ct).ConfigureAwait(false) is not null
        || await manifests.ReadPendingAsync(dataset, ManifestId, ct).ConfigureAwait(false) is not null;
}
