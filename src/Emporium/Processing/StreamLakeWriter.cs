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
        // Encode every clean partition locally first, then upload them concurrently: a backfill of historical
        // records (reviews spanning years) touches hundreds of date partitions, and each upload waits on fsyncs.
        var local = new List<(string Path, string Temp, long Rows)>();
        try
        {
            foreach (var group in batch.Records.GroupBy(r => CleanFolder(batch.Schema, r)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var temp = Path.Combine(tempDirectory, $"emporium-{Guid.NewGuid():N}.parquet");
                local.Add(($"{group.Key}/{id}.parquet", temp, 0));
                var rows = group.Select(r => (object?[])[.. r.Record.Values, source, r.Offset]);
                var count = await parquet.WriteLocalAsync(temp, columns, rows, ct).ConfigureAwait(false);
                local[^1] = local[^1] with { Rows = count };
            }
            await Parallel.ForEachAsync(local, new ParallelOptions { MaxDegreeOfParallelism = UploadConcurrency, CancellationToken = ct },
                async (file, token) => await lake.WriteFileAsync(file.Path, file.Temp, token).ConfigureAwait(false)).ConfigureAwait(false);
            files.AddRange(local.Select(f => new LakeManifestFile(f.Path, LakeLayout.Clean, f.Rows, new FileInfo(f.Temp).Length)));
        }
        finally
        {
            foreach (var file in local)
            {
                File.Delete(file.Temp);
            }
        }
        return new LakeManifest(dataset, id, source, files, time.GetUtcNow());
    }

    /// <summary>Clean partition of a record: the date of its partition column, or of its log append time when the
    /// dataset has none or the value is missing (deterministic, unlike the wall clock, so a replay lands alike).</summary>
    private static string CleanFolder(DatasetSchema schema, BatchRecord item)
    {
        var record = item.Record;
        DateTime? stamp = null;
        if (!string.IsNullOrEmpty(schema.PartitionColumn) && record[schema.PartitionColumn] is DateTime t)
        {
            stamp = t;
        }
        stamp ??= item.Appended.UtcDateTime;
        var extra = LakeLayout.CleanPartitionColumns(schema)
            .Select(c => (c, Convert.ToString(record[c], CultureInfo.InvariantCulture)));
        return LakeLayout.CleanFolder(schema.Name, DateOnly.FromDateTime(stamp.Value), extra);
    }
}
