using Emporium.Batch.Formats;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Batch.Loading;

public sealed partial class BatchLoader
{
    private sealed partial class FileRun
    {
        /// <summary>Rejects held in memory before they are written to the quarantine zone, so a file of millions of bad
        /// rows stays bounded.</summary>
        private const int StagedRejectsHeld = 50_000;

        /// <summary>Rows between progress reports.</summary>
        private const int ProgressRows = 10_000;

        /// <summary>The streaming readers' path on DuckDB: every good row is appended to a staging table on a connection
        /// of its own (the stream processor keeps committing meanwhile), then the file commits in one transaction with
        /// its offsets while its clean Parquet is written beside the insert, as a <c>read_csv</c> load does. A crash
        /// before that commit leaves nothing of the file in the warehouse and no visible Parquet; the next load starts
        /// it again.</summary>
        private async Task<FileLoadResult> LoadStagedAsync(DuckDbWarehouse duck, bool replace, CancellationToken ct)
        {
            var input = NewInput();
            var chunkId = $"{stem}-r{0:D12}";
            var rejects = new List<QuarantineEntry>();
            long good = 0, heldRejects = 0, reportedGood = 0, reportedRejects = 0;
            var heldFiles = 0;
            RowsEnd end;
            await using (var side = await duck.OpenSideConnectionAsync(ct).ConfigureAwait(false))
            {
                DuckDbStagedRows.Create(side, schema);
                try
                {
                    using var appender = DuckDbStagedRows.Appender(side);
                    end = await ReadRowsAsync(input, 0, async (row, reject, record) =>
                    {
                        if (reject is not null)
                        {
                            rejects.Add(reject);
                            if (rejects.Count >= StagedRejectsHeld)
                            {
                                await WriteQuarantineAsync($"{chunkId}-q{heldFiles++}", rejects, ct).ConfigureAwait(false);
                                heldRejects += rejects.Count;
                                rejects.Clear();
                            }
                        }
                        else
                        {
                            var appended = appender.CreateRow();
                            foreach (var value in record!.Values)
                            {
                                DuckDbAppend.Value(appended, value);
                            }
                            appended.AppendValue((long?)row.Position.Record).EndRow();
                            good++;
                        }
                        if (read % ProgressRows == 0)
                        {
                            Report();
                        }
                    }, ct).ConfigureAwait(false);
                }
                catch
                {
                    DuckDbStagedRows.Drop(side);
                    throw;
                }
                if (end.Conflict is not null)
                {
                    DuckDbStagedRows.Drop(side);
                }
            }
            if (end.Conflict is { } conflict)
            {
                await QuarantineFileAsync(conflict, ct).ConfigureAwait(false);
                return Result(FileLoadStatus.Failed, $"conflicts with the dataset schema: {conflict}");
            }
            var error = ReadEnded(end, rejects);

            var scratch = Lake.ScratchFolder.NewPath(owner.options.TempDirectory, "staged");
            try
            {
                await duck.BulkLoadAsync<DuckDbBulkLoad.Parsed>(schema, replace ? marker.Source : null, (_, _) => Task.CompletedTask, (db, loadedAt) =>
                {
                    // Appended in file order: the staged table scans in _seq order.
                    var staged = new DuckDbBulkLoad.Parsed(read, good, rejects, DuckDbStagedRows.Sql(schema, marker.Source, loadedAt), InSeqOrder: true);
                    DuckDbBulkLoad.ShareStaged(db, staged.StagedSql);
                    var clean = Task.Run(() => WriteCleanAsync(duck, staged, chunkId, scratch, ct), ct);
                    return Task.FromResult(new BulkOutcome<DuckDbBulkLoad.Parsed>(staged, DuckDbBulkLoad.StagedTable,
                        new WarehouseBatch([], owner.options.Group, marker.InProgress(read)), good, clean, InSeqOrder: true));
                }, db =>
                {
                    DuckDbBulkLoad.Clean(db);
                    DuckDbStagedRows.Drop(db);
                }, ct).ConfigureAwait(false);
            }
            finally
            {
                if (Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }
            loaded = good;
            rejectedCount = heldRejects + rejects.Count;
            Report();
            return await CompleteAsync(error, ct).ConfigureAwait(false);

            void Report()
            {
                var rejected = heldRejects + rejects.Count;
                progress.AddRows(good - reportedGood, rejected - reportedRejects);
                (reportedGood, reportedRejects) = (good, rejected);
            }
        }
    }
}
