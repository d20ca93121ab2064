using Emporium.Batch.Formats;
using Emporium.Lake;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Batch.Loading;

public sealed partial class BatchLoader
{
    private sealed partial class FileRun
    {
        /// <summary>The whole file through DuckDB's CSV or Parquet reader in one transaction (<see cref="DuckDbBulkLoad"/>); null
        /// when the file turns out not to fit it, with nothing written, so the streaming path loads it. <paramref name="rawCopy"/>, the raw
        /// zone copy running meanwhile, completes before the transaction writes anything.</summary>
        private async Task<FileLoadResult?> TryBulkAsync(DuckDbWarehouse duck, bool replace, Task rawCopy, CancellationToken ct)
        {
            var input = NewInput();
            SourceRow? first = null;
            try
            {
                await using var rows = FormatDetector.ReaderFor(format).ReadAsync(input, ct).GetAsyncEnumerator(ct);
                first = await rows.MoveNextAsync().ConfigureAwait(false) ? rows.Current : null;
            }
            catch (FileReadException)
            {
                return null; // the streaming path reports it
            }
            var warned = warnings.Count;
            if (first is null || first.Error is not null || Conform(first) is not null
                || DuckDbBulkLoad.PlanFor(input, format, first, schema) is not { } plan)
            {
                warnings.RemoveRange(warned, warnings.Count - warned);
                return null;
            }
            var chunkId = $"{stem}-r{0:D12}";
            var scratch = Lake.ScratchFolder.NewPath(owner.options.TempDirectory, "bulk");
            try
            {
                DuckDbBulkLoad.Parsed? staged = null;
                bulk = true;
                var parsed = await duck.BulkLoadAsync(schema, replace ? marker.Source : null, async (db, loadedAt) =>
                {
                    staged = await DuckDbBulkLoad.ParseAsync(db, content.Path, name, probe.Sha256, content.Probe, plan, schema, marker.Source, loadedAt,
                        row => (Check(row, out var record), record), ct).ConfigureAwait(false);
                }, async (db, loadedAt) =>
                {
                    await rawCopy.ConfigureAwait(false);
                    if (staged is not { } parsed)
                    {
                        return new BulkOutcome<DuckDbBulkLoad.Parsed?>(null, null, null);
                    }
                    // The clean Parquet is written from the staged rows on a second connection while the writer inserts
                    // them into the warehouse; the transaction commits once both are done (and the pending manifest,
                    // naming the lake files, is written).
                    var clean = Task.Run(() => WriteCleanAsync(duck, parsed, chunkId, scratch, ct), ct);
                    return new BulkOutcome<DuckDbBulkLoad.Parsed?>(parsed, DuckDbBulkLoad.StagedTable,
                        new WarehouseBatch([], owner.options.Group, marker.InProgress(parsed.Read)), parsed.Good, clean, parsed.InSeqOrder);
                }, DuckDbBulkLoad.Clean, ct).ConfigureAwait(false);
                if (parsed is null)
                {
                    bulk = false;
                    warnings.RemoveRange(warned, warnings.Count - warned);
                    files.RemoveAll(f => f.Zone != LakeLayout.Raw);
                    quarantine.Clear();
                    return null;
                }
                read = parsed.Read;
                loaded = parsed.Good;
                rejectedCount = parsed.Rejects.Count;
                progress.AddRows(loaded, rejectedCount);
                input.ReportBytes(content.Probe.Size);
                warnings.AddRange(input.Warnings);
                return await CompleteAsync(null, ct).ConfigureAwait(false);
            }
            finally
            {
                if (Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }
        }

        /// <summary>The bulk path's lake side: the staged rows as clean Parquet (written by DuckDB on a connection of
        /// its own), moved into the lake, the rejects quarantined, and the pending manifest naming them all.</summary>
        private async Task WriteCleanAsync(DuckDbWarehouse duck, DuckDbBulkLoad.Parsed parsed, string chunkId, string scratch, CancellationToken ct)
        {
            var moves = new List<(LakeManifestFile File, string Local)>();
            await using (var side = await duck.OpenSideConnectionAsync(ct).ConfigureAwait(false))
            {
                foreach (var (folder, locals, rowCount) in DuckDbBulkLoad.WriteParquet(side, parsed, schema, partitions, scratch))
                {
                    for (var i = 0; i < locals.Count; i++)
                    {
                        var target = $"{folder}/{chunkId}{(i == 0 ? "" : $"-{i}")}.parquet";
                        // A folder's rows are counted already; only a folder DuckDB split into several files needs
                        // each file's footer.
                        var fileRows = locals.Count == 1 ? rowCount : DuckDbBulkLoad.ParquetRows(side, locals[i]);
                        moves.Add((new LakeManifestFile(target, LakeLayout.Clean, fileRows, new FileInfo(locals[i]).Length), locals[i]));
                    }
                }
            }
            await Parallel.ForEachAsync(moves, new ParallelOptions { MaxDegreeOfParallelism = owner.options.LakeWriteConcurrency, CancellationToken = ct },
                async (move, token) => await owner.lake.WriteFileAsync(move.File.Path, move.Local, token).ConfigureAwait(false)).ConfigureAwait(false);
            foreach (var (file, _) in moves)
            {
                AddFile(file);
            }
            if (parsed.Rejects.Count > 0)
            {
                await WriteQuarantineAsync(chunkId, parsed.Rejects, ct).ConfigureAwait(false);
            }
            await owner.manifests.WritePendingAsync(new LakeManifest(schema.Name, id, marker.Source, files.ToList(), owner.time.GetUtcNow()), ct).ConfigureAwait(false);
        }
    }
}
