using System.Globalization;
using Emporium.Datasets;
using Emporium.Lake;

namespace Emporium.Processing;

/// <summary>Writes partition batches to the lake: the entries as received to the raw zone (NDJSON) and the clean
/// records to Parquet, one file per clean partition, all named after the batch's offset range so re-processing a range
/// rewrites the same objects. Returns one manifest per partition batch (not yet published).</summary>
internal sealed class StreamLakeWriter(ILakeStore lake, ParquetWriter parquet, string tempDirectory, TimeProvider time)
{
    private const int UploadConcurrency = 8;

    /// <summary>Lineage columns appended to the canonical ones in clean Parquet files.</summary>
    public static readonly ColumnSchema[] SystemColumns =
    [
        new("_source", ColumnType.Text),
        new("_offset", ColumnType.Integer),
    ];

    /// <summary>Writes every partition batch of one micro-batch and returns their manifests, in the same order.
    /// The raw files are written while the Parquet is encoded, and the clean records of all the partitions of a
    /// dataset go through one Parquet encode (the encoder is serialized anyway, so one call per dataset instead of one
    /// per partition saves its per-call statements; no latency change was measurable).</summary>
    public async Task<IReadOnlyList<LakeManifest>> WriteAsync(IReadOnlyList<PartitionBatch> batches, CancellationToken ct)
    {
        var raw = batches.Select(batch => WriteRawAsync(batch, ct)).ToList();
        var clean = new List<LakeManifestFile>[batches.Count];
        foreach (var dataset in batches.Select((batch, i) => (batch, i)).GroupBy(b => b.batch.Schema.Name, StringComparer.Ordinal))
        {
            var written = await WriteCleanAsync(dataset.ToList(), ct).ConfigureAwait(false);
            foreach (var (index, files) in written)
            {
                clean[index] = files;
            }
        }
        var rawFiles = await Task.WhenAll(raw).ConfigureAwait(false);
        return batches.Select((batch, i) => new LakeManifest(batch.Schema.Name, batch.Id, batch.Source.ToString(),
            [rawFiles[i], .. clean[i] ?? []], time.GetUtcNow())).ToList();
    }

    /// <summary>Raw: exactly the bytes the log holds, one entry per line, dated by the first entry's append time.</summary>
    private async Task<LakeManifestFile> WriteRawAsync(PartitionBatch batch, CancellationToken ct)
    {
        var rawPath = $"{LakeLayout.RawFolder(batch.Schema.Name, DateOnly.FromDateTime(batch.Entries[0].Timestamp.UtcDateTime))}/{batch.Id}.ndjson";
        using var buffer = new MemoryStream();
        foreach (var entry in batch.Entries)
        {
            buffer.Write(entry.Value.Span);
            buffer.WriteByte((byte)'\n');
        }
        var bytes = buffer.Length;
        buffer.Position = 0;
        await lake.WriteAsync(rawPath, buffer, ct).ConfigureAwait(false);
        return new LakeManifestFile(rawPath, LakeLayout.Raw, batch.Entries.Count, bytes);
    }

    /// <summary>Clean: one Parquet file per (partition batch, clean partition), named after the batch's offset range,
    /// encoded in one local COPY and uploaded concurrently (a backfill of historical records, such as reviews spanning
    /// years, touches hundreds of date partitions, and each upload waits on fsyncs).</summary>
    private async Task<Dictionary<int, List<LakeManifestFile>>> WriteCleanAsync(IReadOnlyList<(PartitionBatch Batch, int Index)> batches, CancellationToken ct)
    {
        var schema = batches[0].Batch.Schema;
        var folders = new CleanFolders(schema);
        var groups = batches
            .SelectMany(b => b.Batch.Records.GroupBy(folders.Of).Select(g => (b.Index, b.Batch, Folder: g.Key, Records: g)))
            .OrderBy(g => g.Index).ThenBy(g => g.Folder, StringComparer.Ordinal)
            .ToList();
        var result = batches.ToDictionary(b => b.Index, _ => new List<LakeManifestFile>());
        if (groups.Count == 0)
        {
            return result;
        }
        var columns = schema.Columns.Concat(SystemColumns).ToArray();
        var folder = ScratchFolder.NewPath(tempDirectory, "lake");
        try
        {
            var written = await parquet.WriteGroupsLocalAsync(folder, columns,
                groups.SelectMany((g, i) =>
                {
                    var source = g.Batch.Source.ToString();
                    return g.Records.Select(r => (i, (object?[])[.. r.Record.Values, source, r.Offset]));
                }), ct).ConfigureAwait(false);
            var uploads = groups.Select((g, i) => (g.Index, Path: $"{g.Folder}/{g.Batch.Id}.parquet", written[i].File, written[i].Rows)).ToList();
            await Parallel.ForEachAsync(uploads, new ParallelOptions { MaxDegreeOfParallelism = UploadConcurrency, CancellationToken = ct },
                async (file, token) => await lake.WriteFileAsync(file.Path, file.File, token).ConfigureAwait(false)).ConfigureAwait(false);
            foreach (var upload in uploads)
            {
                result[upload.Index].Add(new LakeManifestFile(upload.Path, LakeLayout.Clean, upload.Rows, new FileInfo(upload.File).Length));
            }
            return result;
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Clean partition of a record: the date of its partition column, or of its log append time when the
    /// dataset has none or the value is missing (deterministic, unlike the wall clock, so a replay lands alike). Paths
    /// are built once per distinct value (a batch of thousands of orders falls into a handful of folders, and
    /// building and percent-encoding a path per record was a visible share of the processor's CPU).</summary>
    private sealed class CleanFolders(DatasetSchema schema)
    {
        private readonly IReadOnlyList<string> _extra = LakeLayout.CleanPartitionColumns(schema);
        private readonly Dictionary<(DateOnly Date, string Values), string> _paths = [];

        public string Of(BatchRecord item)
        {
            var record = item.Record;
            DateTime? stamp = null;
            if (!string.IsNullOrEmpty(schema.PartitionColumn) && record[schema.PartitionColumn] is DateTime t)
            {
                stamp = t;
            }
            var date = DateOnly.FromDateTime(stamp ?? item.Appended.UtcDateTime);
            var values = _extra.Select(c => Convert.ToString(record[c], CultureInfo.InvariantCulture)).ToArray();
            // Length-prefixed, so no two value lists share a key.
            var key = (date, string.Concat(values.Select(v => v is null ? "-;" : $"{v.Length}:{v};")));
            if (!_paths.TryGetValue(key, out var path))
            {
                path = LakeLayout.CleanFolder(schema.Name, date, _extra.Zip(values));
                _paths[key] = path;
            }
            return path;
        }
    }
}
