using System.Globalization;
using Emporium.Datasets;
using Emporium.Lake;

namespace Emporium.Processing;

/// <summary>Writes one partition batch to the lake: the entries as received to the raw zone (NDJSON) and the clean
/// records to Parquet, one file per clean partition, all named after the offset range so re-processing a range
/// rewrites the same objects. Returns the manifest describing them (not yet published).</summary>
internal sealed class StreamLakeWriter(ILakeStore lake, ParquetWriter parquet, string tempDirectory, TimeProvider time)
{
    private const int UploadConcurrency = 8;

    /// <summary>Lineage columns appended to the canonical ones in clean Parquet files.</summary>
    public static readonly ColumnSchema[] SystemColumns =
    [
        new("_source", ColumnType.Text),
        new("_offset", ColumnType.Integer),
    ];

    public async Task<LakeManifest> WriteAsync(PartitionBatch batch, CancellationToken ct)
    {
        var files = new List<LakeManifestFile>();
        var id = batch.Id;
        var dataset = batch.Schema.Name;

        // Raw: exactly the bytes the log holds, one entry per line, dated by the first entry's append time.
        var rawPath = $"{LakeLayout.RawFolder(dataset, DateOnly.FromDateTime(batch.Entries[0].Timestamp.UtcDateTime))}/{id}.ndjson";
        using (var buffer = new MemoryStream())
        {
            foreach (var entry in batch.Entries)
            {
                buffer.Write(entry.Value.Span);
                buffer.WriteByte((byte)'\n');
            }
            var bytes = buffer.Length;
            buffer.Position = 0;
            await lake.WriteAsync(rawPath, buffer, ct).ConfigureAwait(false);
            files.Add(new LakeManifestFile(rawPath, LakeLayout.Raw, batch.Entries.Count, bytes));
        }

        var columns = batch.Schema.Columns.Concat(SystemColumns).ToArray();
        var source = batch.Source.ToString();
        // Encode every clean partition in one local COPY, then upload the files concurrently: a backfill of
        // historical records (reviews spanning years) touches hundreds of date partitions, and each upload waits
        // on fsyncs.
        var folders = new CleanFolders(batch.Schema);
        var groups = batch.Records.GroupBy(folders.Of).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        if (groups.Count > 0)
        {
            var folder = Path.Combine(tempDirectory, $"emporium-{Guid.NewGuid():N}");
            try
            {
                var written = await parquet.WriteGroupsLocalAsync(folder, columns,
                    groups.SelectMany((g, i) => g.Select(r => (i, (object?[])[.. r.Record.Values, source, r.Offset]))), ct).ConfigureAwait(false);
                var uploads = groups.Select((g, i) => (Path: $"{g.Key}/{id}.parquet", written[i].File, written[i].Rows)).ToList();
                await Parallel.ForEachAsync(uploads, new ParallelOptions { MaxDegreeOfParallelism = UploadConcurrency, CancellationToken = ct },
                    async (file, token) => await lake.WriteFileAsync(file.Path, file.File, token).ConfigureAwait(false)).ConfigureAwait(false);
                files.AddRange(uploads.Select(f => new LakeManifestFile(f.Path, LakeLayout.Clean, f.Rows, new FileInfo(f.File).Length)));
            }
            finally
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
        return new LakeManifest(dataset, id, source, files, time.GetUtcNow());
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
