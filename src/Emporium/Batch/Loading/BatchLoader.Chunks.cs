using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Processing;
using Emporium.Warehouse;

namespace Emporium.Batch.Loading;

public sealed partial class BatchLoader
{
    private sealed partial class FileRun
    {
        /// <summary>A good row of the chunk being read: its record, source ordinal and line.</summary>
        private readonly record struct ChunkRow(CanonicalRecord Record, long Ordinal, long Line);

        private async Task CommitChunkAsync(long start, long next, List<ChunkRow> chunk, List<QuarantineEntry> rejects, bool replace, CancellationToken ct)
        {
            var chunkId = $"{stem}-r{start:D12}";
            // A warehouse that takes a file's rows in a transaction (IFileLoadWarehouse) gets the rows before the lake
            // does: the rows it refuses are then known, and quarantined rather than written to the clean zone. A
            // chunk committed on its own (a resumed load, OneTransactionPerFile off) gets a transaction of its own;
            // either commits after the pending manifest names the chunk's objects, as before.
            await using var own = fileLoad is null && owner.warehouse is IFileLoadWarehouse sessions
                ? await sessions.BeginFileLoadAsync(schema, owner.options.Group, replace ? marker.Source : null, ct).ConfigureAwait(false)
                : null;
            if ((fileLoad ?? own) is { } load)
            {
                var ruled = rejects.Count;
                chunk = await WriteKeepingRefusedAsync(load, chunk, rejects, ct).ConfigureAwait(false);
                if (request.Strict && rejects.Count > ruled)
                {
                    // Nothing of a file with a bad row loads under --strict (its rule rejects were refused up front).
                    var refused = rejects.GetRange(ruled, rejects.Count - ruled);
                    await WriteQuarantineAsync($"{stem}-strict", refused, ct).ConfigureAwait(false);
                    rejectedCount += refused.Count;
                    throw new StrictRefusalException(refused.Count);
                }
            }
            var columns = schema.Columns.Concat(StreamLakeWriter.SystemColumns).ToArray();
            foreach (var group in chunk.GroupBy(r => partitions.FolderOf(r.Record)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var filePath = $"{group.Key}/{chunkId}.parquet";
                var values = group.Select(r => (object?[])[.. r.Record.Values, marker.Source, r.Ordinal]);
                var (count, bytes) = await owner.parquet.WriteAsync(owner.lake, filePath, columns, values, ct).ConfigureAwait(false);
                AddFile(new LakeManifestFile(filePath, LakeLayout.Clean, count, bytes));
            }
            if (rejects.Count > 0)
            {
                await WriteQuarantineAsync(chunkId, rejects, ct).ConfigureAwait(false);
            }
            // The pending manifest names every object written so far, so a resumed run can publish them all.
            await owner.manifests.WritePendingAsync(new LakeManifest(schema.Name, id, marker.Source, files.ToList(), owner.time.GetUtcNow()), ct).ConfigureAwait(false);
            if (own is not null)
            {
                await own.CommitAsync(marker.InProgress(next), ct).ConfigureAwait(false);
            }
            else if (fileLoad is null)
            {
                await owner.warehouse.CommitAsync(new WarehouseBatch([RowsOf(chunk)], owner.options.Group, marker.InProgress(next),
                    ReplaceSource: replace ? marker.Source : null), ct).ConfigureAwait(false);
            }
            // else: written already, committed with the file
            loaded += chunk.Count;
            rejectedCount += rejects.Count;
            progress.AddRows(chunk.Count, rejects.Count);
            owner.AfterChunk?.Invoke(next);
        }

        private DatasetRows RowsOf(List<ChunkRow> rows) => new(schema, rows.Select(r => r.Record).ToList(), marker.Source);

        /// <summary>Writes the chunk's rows into the load; when the warehouse refuses them for their rows
        /// (<see cref="RowsRefusedException"/>), halves them while it does, so the rows around a refused one are written
        /// in file order and each row refused alone is quarantined (added to <paramref name="rejects"/>) with the
        /// warehouse's reason. Returns the rows written. One refused row among <c>n</c> costs about 2 log₂ <c>n</c>
        /// extra writes; when none is refused the chunk is written once, as before.</summary>
        private async Task<List<ChunkRow>> WriteKeepingRefusedAsync(IFileLoad load, List<ChunkRow> rows, List<QuarantineEntry> rejects, CancellationToken ct)
        {
            var refused = new List<QuarantineEntry>();
            await WriteOrHalveAsync(rows).ConfigureAwait(false);
            if (refused.Count == 0)
            {
                return rows;
            }
            rejects.AddRange(refused);
            var records = refused.Select(r => r.Record).ToHashSet();
            return rows.Where(r => !records.Contains(r.Ordinal)).ToList();

            async Task WriteOrHalveAsync(List<ChunkRow> part)
            {
                try
                {
                    await load.WriteAsync(RowsOf(part), ct).ConfigureAwait(false);
                    return;
                }
                catch (RowsRefusedException e) when (part.Count == 1)
                {
                    var row = part[0];
                    refused.Add(new QuarantineEntry(name, probe.Sha256, schema.Name, row.Ordinal, row.Line, e.Column,
                        "the warehouse refused the row: " + e.Reason, System.Text.Encoding.UTF8.GetString(CanonicalJson.Serialize(row.Record))));
                    return;
                }
                catch (RowsRefusedException) when (part.Count > 1)
                {
                }
                var half = part.Count / 2;
                await WriteOrHalveAsync(part.GetRange(0, half)).ConfigureAwait(false);
                await WriteOrHalveAsync(part.GetRange(half, part.Count - half)).ConfigureAwait(false);
            }
        }

        /// <summary>Picks up the objects an interrupted run wrote (from its pending manifest).</summary>
        private async Task RecoverChunkFilesAsync(CancellationToken ct)
        {
            await foreach (var pending in owner.manifests.ListPendingAsync(schema.Name, ct).ConfigureAwait(false))
            {
                if (pending.Id == id)
                {
                    foreach (var file in pending.Files)
                    {
                        AddFile(file);
                        if (file.Zone == QuarantineWriter.Zone && !quarantine.Contains(file.Path))
                        {
                            quarantine.Add(file.Path);
                        }
                    }
                }
            }
            var raw = files.FirstOrDefault(f => f.Zone == LakeLayout.Raw);
            rawPath ??= raw?.Path;
        }
    }
}
