using System.Security.Cryptography;
using System.Text.Json;
using Emporium.Batch.Formats;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Processing;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Batch.Loading;

/// <summary>Loads files into a dataset: the raw bytes to the raw zone, good rows (cleaned by the shared normalizer)
/// to the warehouse and as clean Parquet, bad rows to the quarantine zone with file, line, column and reason.
/// <para>Exactly once per content and dataset: a file is identified by its SHA-256 (and the values partition folders
/// and <c>--set</c> add to its rows) and its progress is stored in the warehouse
/// offsets table in the same transaction as its rows (<see cref="FileLoadMarker"/>). On DuckDB a file commits in one
/// transaction: read by DuckDB itself (CSV/TSV, Parquet) or staged row by row (the other formats), with its clean
/// Parquet written beside the insert. On PostgreSQL rows are written in chunks of <see cref="BatchLoaderOptions.ChunkRows"/>
/// into one transaction, each under a savepoint, so rows the server refuses are quarantined and the others load.
/// Lake files have deterministic names and are listed in a pending manifest before the rows commit, and the published
/// manifest (which makes them visible) is written once the whole file is in, just before the completion marker. A
/// crash therefore leaves: nothing of the file, or committed chunks (recorded); no half-written object (the lake
/// writes atomically); no visible Parquet of the file. The next load of the same file skips any committed rows,
/// rewrites the same objects and completes it.</para></summary>
public sealed partial class BatchLoader
{
    private readonly IWarehouse warehouse;
    private readonly ILakeStore lake;
    private readonly ParquetWriter parquet;
    private readonly IRecordNormalizer normalizer;
    private readonly TimeProvider time;
    private readonly BatchLoaderOptions options;
    private readonly LakeManifestStore manifests;
    // One load at a time per process (CLI, HTTP endpoint and landing watcher share a loader): two concurrent loads
    // of the same content would both see it as new.
    private readonly SemaphoreSlim gate = new(1, 1);

    public BatchLoader(IWarehouse warehouse, ILakeStore lake, ParquetWriter parquet, IRecordNormalizer normalizer, TimeProvider time, BatchLoaderOptions? options = null)
    {
        this.warehouse = warehouse;
        this.lake = lake;
        this.parquet = parquet;
        this.normalizer = normalizer;
        this.time = time;
        this.options = options ?? new BatchLoaderOptions();
        manifests = new LakeManifestStore(lake);
    }

    /// <summary>Test seam: called after each chunk commit with the number of rows committed so far.</summary>
    internal Action<long>? AfterChunk { get; set; }

    public Task<LoadSummary> LoadAsync(IReadOnlyList<string> files, BatchLoadRequest request, LoadProgress? progress, CancellationToken ct) =>
        LoadAsync(files, request.Dataset, _ => request, progress, ct);

    /// <summary>The files of a resolved <see cref="LoadSpec"/>, each with its own request (its partition folders).</summary>
    public Task<LoadSummary> LoadAsync(LoadSpec.Resolved resolved, LoadProgress? progress, CancellationToken ct) =>
        LoadAsync(resolved.Files, resolved.Request.Dataset, resolved.RequestFor, progress, ct);

    private async Task<LoadSummary> LoadAsync(IReadOnlyList<string> files, DatasetSchema dataset, Func<string, BatchLoadRequest> requestFor, LoadProgress? progress, CancellationToken ct)
    {
        progress ??= new LoadProgress();
        progress.TotalBytes = files.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);
        var results = new List<FileLoadResult>();
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            results.Add(await LoadFileAsync(file, requestFor(file), progress, ct).ConfigureAwait(false));
        }
        return new LoadSummary(dataset.Name, results);
    }

    public async Task<FileLoadResult> LoadFileAsync(string path, BatchLoadRequest request, LoadProgress? progress, CancellationToken ct)
    {
        progress ??= new LoadProgress();
        long size = 0;
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            size = new FileInfo(path).Length;
            return await LoadCoreAsync(path, request, progress, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return FileLoadResult.Failure(path, null, null, $"cannot open: {e.Message}");
        }
        finally
        {
            gate.Release();
            progress.FinishFile(size);
        }
    }

    private async Task<FileLoadResult> LoadCoreAsync(string path, BatchLoadRequest request, LoadProgress progress, CancellationToken ct)
    {
        var schema = request.Dataset;
        var probe = await FileProbe.RunAsync(path, ct).ConfigureAwait(false);
        var offsets = await warehouse.GetOffsetsAsync(options.Group, ct).ConfigureAwait(false);
        var variant = FileLoadMarker.VariantOf(schema, request.Constants);
        var marker = await FileLoadMarker.FindAsync(schema.Name, probe.Sha256, variant, offsets, manifests, ct).ConfigureAwait(false);
        var (done, nextRow, failed) = marker.Read(offsets);
        if (done && !request.Force)
        {
            return new FileLoadResult(path, FileLoadStatus.Skipped, probe.Sha256, null, 0, 0, 0, [], null,
                [$"already loaded into '{schema.Name}' (same content{(variant is null ? "" : $" with {Values(request.Constants!)}")}); use --force to reload it"], null);
        }
        if (variant is not null && !request.Force && nextRow == 0 && !failed
            && (await FileLoadMarker.FindAsync(schema.Name, probe.Sha256, null, offsets, manifests, ct).ConfigureAwait(false)).Read(offsets).Done)
        {
            // Recorded by content only: loaded as a file on its own, or by a version that left the folder and --set
            // values out of a load's identity (and so skipped the second of two identical partition files). Which values
            // its rows got is not recorded; loading it again could add the same rows twice, so it is not done unasked.
            return new FileLoadResult(path, FileLoadStatus.Skipped, probe.Sha256, null, 0, 0, 0, [], null,
                [$"already loaded into '{schema.Name}' (same content) by a load that did not record its partition folder or --set values; " +
                 $"if its rows with {Values(request.Constants!)} are missing, load it with --force"], null);
        }
        var warnings = new List<string>();
        if (failed)
        {
            warnings.Add($"this content failed before after {nextRow} row(s); loading it again, replacing those rows");
        }
        var replace = request.Force || failed;
        if (replace)
        {
            nextRow = 0;
        }

        var gunzipped = Lake.ScratchFolder.NewPath(options.TempDirectory, "gunzip");
        try
        {
            FileContent content;
            FileFormat format;
            try
            {
                content = await FileContent.OfAsync(path, probe, gunzipped, ct).ConfigureAwait(false);
                format = FormatDetector.Resolve(content.Path, content.Probe, request.ReadSettings.Format, warnings.Add);
            }
            catch (FileReadException e)
            {
                return FileLoadResult.Failure(path, probe.Sha256, null, e.Message, warnings);
            }
            return await LoadContentAsync(path, probe, content, format, marker, offsets, nextRow, replace, request, progress, warnings, ct).ConfigureAwait(false);
        }
        finally
        {
            if (Directory.Exists(gunzipped))
            {
                Directory.Delete(gunzipped, recursive: true);
            }
        }
    }

    private static string Values(IReadOnlyDictionary<string, string> constants) =>
        string.Join(", ", constants.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}"));

    private async Task<FileLoadResult> LoadContentAsync(string path, FileProbe probe, FileContent content, FileFormat format, FileLoadMarker marker,
        IReadOnlyDictionary<TopicPartition, long> offsets, long nextRow, bool replace, BatchLoadRequest request, LoadProgress progress, List<string> warnings,
        CancellationToken ct)
    {
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var run = new FileRun(this, path, request, probe, content, marker, format, day, progress, warnings);
        await run.FindSupersededAsync(offsets, ct).ConfigureAwait(false);
        if (request.Strict)
        {
            var rejected = await run.CountRejectsAsync(ct).ConfigureAwait(false);
            if (rejected.Error is not null)
            {
                return run.Result(FileLoadStatus.Failed, rejected.Error);
            }
            if (rejected.Count > 0)
            {
                return run.Result(FileLoadStatus.Rejected, $"--strict: {rejected.Count} row(s) rejected, nothing loaded");
            }
        }
        try
        {
            return await run.LoadAsync(nextRow, replace, ct).ConfigureAwait(false);
        }
        catch (RowsRefusedException e)
        {
            // Only a warehouse without savepoints lets a refusal through (PostgreSQL's rows are found and quarantined one
            // by one): its transaction rolled back, and the file fails alone; the load goes on with the next file.
            return run.Result(FileLoadStatus.Failed, $"the warehouse refused a row of the file: {e.Reason}");
        }
        catch (StrictRefusalException e)
        {
            return run.StrictlyRefused(e.Rows);
        }
    }

    /// <summary>Under <c>--strict</c>, the warehouse refused rows of the file (quarantined already): the load stops, and
    /// the file's transaction rolls back.</summary>
    private sealed class StrictRefusalException(long rows) : Exception($"--strict: {rows} row(s) refused by the warehouse")
    {
        public long Rows { get; } = rows;
    }

    /// <summary>One file's load: state shared by its chunks.</summary>
    private sealed partial class FileRun(
        BatchLoader owner,
        string path,
        BatchLoadRequest request,
        FileProbe probe,
        FileContent content,
        FileLoadMarker marker,
        FileFormat format,
        DateOnly day,
        LoadProgress progress,
        List<string> warnings)
    {
        // Earlier loads of a file of this name (other content) that failed at a break: this load replaces their rows,
        // so a fixed file does not count the good rows of its broken version twice.
        private readonly List<FileLoadMarker> superseded = [];
        private readonly DatasetSchema schema = request.Dataset;
        private readonly string name = Path.GetFileName(path);
        private readonly string id = marker.ManifestId;
        private readonly string stem = marker.ObjectStem;
        private readonly List<string> quarantine = [];
        private readonly List<LakeManifestFile> files = [];
        private readonly RowNormalizer rows = new(owner.normalizer, request.Dataset, request.Constants);
        private readonly CleanPartitions partitions = new(request.Dataset, day);
        private string? rawPath;
        // The warehouse's one transaction for this file's chunks, while it is open (see IFileLoadWarehouse).
        private IFileLoad? fileLoad;
        private long read;
        private long loaded;
        private long rejectedCount;
        // The file is on the bulk path (DuckDB's own reader), once it has started its transaction.
        private bool bulk;

        /// <summary>The result of a load stopped under <c>--strict</c> by <paramref name="rows"/> rows the warehouse
        /// refused: the file's transaction rolled back, and only chunks committed on their own stay.</summary>
        public FileLoadResult StrictlyRefused(long rows)
        {
            if (fileLoad is not null)
            {
                loaded = 0;
            }
            return Result(FileLoadStatus.Rejected, $"--strict: {rows} row(s) refused by the warehouse, " +
                (loaded == 0 ? "nothing loaded" : $"the {loaded} row(s) of the chunks committed before stay loaded"));
        }

        public FileLoadResult Result(FileLoadStatus status, string? error) =>
            new(path, status, probe.Sha256, format, read, loaded, rejectedCount, quarantine, rawPath, warnings, error) { Bulk = bulk };

        private FormatInput NewInput()
        {
            var input = new FormatInput(content.Path, content.Probe, request.ReadSettings);
            // Progress counts the file's own bytes: a decompressed copy's read position is scaled down to them.
            progress.StartFile(name, () => content.Probe.Size == probe.Size ? input.BytesRead : (long)(input.BytesRead * ((double)probe.Size / Math.Max(1, content.Probe.Size))));
            return input;
        }

        /// <summary>Strict mode's first pass: reads and validates everything, loads nothing, quarantines rejects.</summary>
        public async Task<(long Count, string? Error)> CountRejectsAsync(CancellationToken ct)
        {
            var input = NewInput();
            var rejects = new List<QuarantineEntry>();
            var end = await ReadRowsAsync(input, 0, (_, reject, _) =>
            {
                if (reject is not null)
                {
                    rejects.Add(reject);
                }
                return ValueTask.CompletedTask;
            }, ct).ConfigureAwait(false);
            var error = end.Conflict ?? end.Error;
            if (error is not null)
            {
                await QuarantineFileAsync(error, ct).ConfigureAwait(false);
            }
            else if (rejects.Count > 0)
            {
                rejectedCount = rejects.Count;
                await WriteQuarantineAsync($"{stem}-strict", rejects, ct).ConfigureAwait(false);
            }
            return (rejects.Count, error);
        }

        public async Task<FileLoadResult> LoadAsync(long resumeAt, bool replace, CancellationToken ct)
        {
            read = loaded = rejectedCount = 0;
            // The raw copy is I/O independent of the parse: on the bulk path it runs while DuckDB parses the file, and
            // is awaited before anything that lists it (the manifests) is written.
            var raw = CopyRawAsync(ct);
            try
            {
                if (resumeAt == 0 && owner.options.Bulk && owner.warehouse is DuckDbWarehouse duck && DuckDbBulkLoad.Fits(format, content.Probe, request)
                    && await TryBulkAsync(duck, replace, raw, ct).ConfigureAwait(false) is { } bulk)
                {
                    return bulk;
                }
            }
            catch
            {
                // The copy must not outlive a failed load (the next load of the file would race it).
                await raw.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
            await raw.ConfigureAwait(false);
            if (resumeAt == 0 && owner.options.OneTransactionPerFile && owner.warehouse is DuckDbWarehouse staging)
            {
                return await LoadStagedAsync(staging, replace, ct).ConfigureAwait(false);
            }
            // Elsewhere (PostgreSQL) one transaction spans the chunks when the warehouse offers it; a resumed load, whose
            // first chunks are committed already, goes on chunk by chunk.
            await using var session = resumeAt == 0 && owner.options.OneTransactionPerFile && owner.warehouse is IFileLoadWarehouse sessions
                ? await sessions.BeginFileLoadAsync(schema, owner.options.Group, replace ? marker.Source : null, ct).ConfigureAwait(false)
                : null;
            fileLoad = session;
            if (resumeAt > 0)
            {
                warnings.Add($"resuming an interrupted load after row {resumeAt}");
                await RecoverChunkFilesAsync(ct).ConfigureAwait(false);
            }
            var input = NewInput();
            var chunk = new List<ChunkRow>();
            var rejects = new List<QuarantineEntry>();
            var chunkStart = resumeAt;
            // Rows up to resumeAt were committed by an earlier, interrupted run.
            var end = await ReadRowsAsync(input, resumeAt, async (row, reject, record) =>
            {
                if (reject is not null)
                {
                    rejects.Add(reject);
                }
                else
                {
                    chunk.Add(new ChunkRow(record!, row.Position.Record, row.Position.Line));
                }
                if (row.Position.Record - chunkStart >= owner.options.ChunkRows)
                {
                    await CommitChunkAsync(chunkStart, row.Position.Record, chunk, rejects, replace, ct).ConfigureAwait(false);
                    replace = false;
                    chunkStart = row.Position.Record;
                    chunk.Clear();
                    rejects.Clear();
                }
            }, ct).ConfigureAwait(false);
            if (end.Conflict is { } conflict)
            {
                await QuarantineFileAsync(conflict, ct).ConfigureAwait(false);
                return Result(FileLoadStatus.Failed, $"conflicts with the dataset schema: {conflict}");
            }
            var error = ReadEnded(end, rejects);
            await CommitChunkAsync(chunkStart, Math.Max(read, chunkStart), chunk, rejects, replace, ct).ConfigureAwait(false);
            if (session is not null)
            {
                await session.CommitAsync(marker.InProgress(read), ct).ConfigureAwait(false);
                fileLoad = null;
            }
            return await CompleteAsync(error, ct).ConfigureAwait(false);
        }

        private async Task<FileLoadResult> CompleteAsync(string? error, CancellationToken ct)
        {
            // Publish, then mark done: a crash in between re-publishes the same manifest on the next run. The raw copy
            // was stored before its rows were read; now they are known.
            var manifest = new LakeManifest(schema.Name, id, marker.Source,
                files.Select(f => f.Zone == LakeLayout.Raw && f.Path == rawPath ? f with { Rows = read } : f).ToList(), owner.time.GetUtcNow());
            await owner.manifests.PublishAsync(manifest, ct).ConfigureAwait(false);
            var offsets = new Dictionary<TopicPartition, long>(error is null ? marker.Done(read) : marker.Failed(read));
            foreach (var old in superseded)
            {
                offsets[old.Completion] = 3;
            }
            // The replaced rows leave in the transaction that completes this file.
            await owner.warehouse.CommitAsync(new WarehouseBatch([], owner.options.Group, offsets,
                DeleteSources: superseded.Count > 0 ? superseded.Select(s => s.Source).ToList() : null, DeleteFrom: [schema]), ct).ConfigureAwait(false);
            foreach (var old in superseded)
            {
                await owner.manifests.DeletePublishedAsync(schema.Name, old.ManifestId, ct).ConfigureAwait(false);
            }
            await owner.manifests.DeletePendingAsync(schema.Name, id, ct).ConfigureAwait(false);
            var duplicates = await CountDuplicateKeysAsync(ct).ConfigureAwait(false);
            return Result(error is null ? FileLoadStatus.Loaded : FileLoadStatus.Failed, error) with { RowsDuplicateKey = duplicates };
        }

        /// <summary>A keyed dataset keeps the file's last row of each key, so fewer rows land than were good when a key
        /// repeats: <see cref="loaded"/> becomes the rows of this load in the table, once it has committed (every path
        /// writes them under <see cref="FileLoadMarker.Source"/>), and the difference is returned and warned about. An
        /// appended dataset keeps every good row and is not counted again.</summary>
        private async Task<long> CountDuplicateKeysAsync(CancellationToken ct)
        {
            if (schema.Mode != WriteMode.Upsert || schema.Key.Count == 0 || loaded == 0)
            {
                return 0;
            }
            var landed = WarehouseValues.Long((await owner.warehouse.QueryAsync(
                $"SELECT count(*) FROM {DuckDbSql.Quote(schema.Name)} WHERE _source = {SqlLiteral.Text(marker.Source)}", ct).ConfigureAwait(false)).Rows[0][0]);
            var duplicates = Math.Max(0, loaded - landed);
            loaded = landed;
            if (duplicates > 0)
            {
                warnings.Add($"{duplicates:N0} row(s) not loaded: a later row of the file has the same key ({string.Join(", ", schema.Key)}), " +
                    $"and the last row of each key wins; {landed:N0} distinct key(s) loaded");
            }
            return duplicates;
        }

        /// <summary>Finds the failed loads this one replaces: failed loads (by their markers) of this dataset whose raw
        /// file had this name. A replaced load whose lake manifest survived a crash after the warehouse commit loses it
        /// now. Only failed or replaced markers are looked at, so a dataset's many other manifests are never read.</summary>
        public async Task FindSupersededAsync(IReadOnlyDictionary<TopicPartition, long> offsets, CancellationToken ct)
        {
            var own = LakeSafeName(name);
            foreach (var other in FileLoadMarker.Candidates(schema.Name, offsets))
            {
                var sha = other.Sha256;
                // Only an earlier load of other content with the same added values is this file's broken version: the
                // part-0.csv of another partition folder is another file.
                if (sha == probe.Sha256 || other.Variant != marker.Variant)
                {
                    continue;
                }
                var (failed, replaced) = other.State(offsets);
                if (replaced)
                {
                    await owner.manifests.DeletePublishedAsync(schema.Name, other.ManifestId, ct).ConfigureAwait(false);
                }
                else if (failed && await owner.manifests.ReadPublishedAsync(schema.Name, other.ManifestId, ct).ConfigureAwait(false) is { } manifest
                    && manifest.Files.FirstOrDefault(f => f.Zone == LakeLayout.Raw) is { } raw && RawNameOf(raw.Path, sha) == own)
                {
                    superseded.Add(other);
                    warnings.Add($"replaces the rows of an earlier load of {name} that failed (content {sha[..12]})");
                }
            }
        }

        /// <summary>The original (lake-safe) name of a raw file, without the content hash a name clash adds.</summary>
        private static string RawNameOf(string rawPath, string sha)
        {
            var file = rawPath[(rawPath.LastIndexOf('/') + 1)..];
            return file.Replace($".{sha[..12]}", "", StringComparison.Ordinal);
        }

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

        /// <summary>How reading a file's rows ended: the first row's conflict with the dataset's schema (no row was handed
        /// over then), or the error that broke the file off (the rows before it were).</summary>
        private readonly record struct RowsEnd(string? Conflict, string? Error);

        /// <summary>Reads the file's rows as every path does: the first row decides whether the file fits the dataset,
        /// each row is counted (<see cref="read"/>) and checked, and a read that breaks off ends the file there. Rows up
        /// to record <paramref name="skipThrough"/> are counted only; <paramref name="onRow"/> gets every other row with
        /// its reject or its record. The reader's warnings are added to the file's.</summary>
        private async Task<RowsEnd> ReadRowsAsync(FormatInput input, long skipThrough,
            Func<SourceRow, QuarantineEntry?, CanonicalRecord?, ValueTask> onRow, CancellationToken ct)
        {
            try
            {
                await foreach (var row in FormatDetector.ReaderFor(format).ReadAsync(input, ct).ConfigureAwait(false))
                {
                    if (read == 0 && Conform(row) is { } conflict)
                    {
                        return new RowsEnd(conflict, null);
                    }
                    read++;
                    if (row.Position.Record > skipThrough)
                    {
                        var reject = Check(row, out var record);
                        await onRow(row, reject, record).ConfigureAwait(false);
                    }
                }
                return default;
            }
            catch (FileReadException e)
            {
                return new RowsEnd(null, e.Message);
            }
            finally
            {
                warnings.AddRange(input.Warnings);
            }
        }

        /// <summary>A load's end of reading: a break is quarantined as a file-level reject (the rows before it are good and
        /// stay; the file is reported as failed at that point), and a file without rows is warned about.</summary>
        private string? ReadEnded(RowsEnd end, List<QuarantineEntry> rejects)
        {
            if (end.Error is { } error)
            {
                rejects.Add(new QuarantineEntry(name, probe.Sha256, schema.Name, 0, 0, null, error, null));
            }
            else if (read == 0)
            {
                warnings.Add("no data rows (empty or header only)");
            }
            return end.Error;
        }

        /// <summary>Null when the first row's columns fit the dataset, else why not. Warns about extra columns.</summary>
        private string? Conform(SourceRow row)
        {
            IEnumerable<string> names = row.Fields?.Keys
                ?? (row.IsJson ? row.Json.EnumerateObject().Select(p => p.Name) : null)
                ?? [];
            if (row.Error is not null)
            {
                return null; // judged by the rows that can be read
            }
            var outcome = SchemaConformance.Check(schema, names, request.Constants?.Keys);
            if (outcome.Unmapped.Count > 0 && row.Fields is not null)
            {
                warnings.Add($"columns not in dataset '{schema.Name}', kept in the raw zone only: {string.Join(", ", outcome.Unmapped)}");
            }
            return outcome.Conflict;
        }

        private QuarantineEntry? Check(SourceRow row, out CanonicalRecord? record)
        {
            record = null;
            if (row.Error is not null)
            {
                return new QuarantineEntry(name, probe.Sha256, schema.Name, row.Position.Record, row.Position.Line, row.ErrorColumn, row.Error, row.Raw);
            }
            var result = rows.Normalize(row);
            if (result.IsValid)
            {
                record = result.Record;
                return null;
            }
            var raw = row.Fields is { } f ? JsonSerializer.Serialize(f) : row.Json.GetRawText();
            return new QuarantineEntry(name, probe.Sha256, schema.Name, row.Position.Record, row.Position.Line,
                string.Join(", ", result.Errors.Select(e => e.Field)),
                string.Join("; ", result.Errors.Select(e => $"{e.Field}: {e.Error}")), raw);
        }

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

        private async Task WriteQuarantineAsync(string chunkId, List<QuarantineEntry> rejects, CancellationToken ct)
        {
            var target = $"{QuarantineWriter.Folder(schema.Name, day)}/{chunkId}.ndjson";
            var (written, bytes) = await QuarantineWriter.WriteAsync(owner.lake, target, rejects, ct).ConfigureAwait(false);
            AddFile(new LakeManifestFile(written, QuarantineWriter.Zone, rejects.Count, bytes));
            if (!quarantine.Contains(written))
            {
                quarantine.Add(written);
            }
        }

        private async Task QuarantineFileAsync(string reason, CancellationToken ct)
        {
            await WriteQuarantineAsync($"{stem}-file", [new QuarantineEntry(name, probe.Sha256, schema.Name, 0, 0, null, reason, null)], ct).ConfigureAwait(false);
        }

        private void AddFile(LakeManifestFile file)
        {
            files.RemoveAll(f => f.Path == file.Path);
            files.Add(file);
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

        /// <summary>The bytes as received, under <c>raw/&lt;dataset&gt;/year=/month=/day=/&lt;original name&gt;</c>. A
        /// different file already stored under that name keeps its place: this one gets its hash in the name.</summary>
        private async Task CopyRawAsync(CancellationToken ct)
        {
            var folder = LakeLayout.RawFolder(schema.Name, day);
            var target = $"{folder}/{LakeSafeName(name)}";
            if (await owner.lake.ExistsAsync(target, ct).ConfigureAwait(false) && await HashOfAsync(target, ct).ConfigureAwait(false) != probe.Sha256)
            {
                target = $"{folder}/{Path.GetFileNameWithoutExtension(name)}.{probe.Sha256[..12]}{Path.GetExtension(name)}";
            }
            if (!await owner.lake.ExistsAsync(target, ct).ConfigureAwait(false))
            {
                await owner.lake.WriteFileAsync(target, path, ct).ConfigureAwait(false);
            }
            rawPath = target;
            AddFile(new LakeManifestFile(target, LakeLayout.Raw, 0, probe.Size));
        }

        private async Task<string?> HashOfAsync(string lakePath, CancellationToken ct)
        {
            await using var stream = await owner.lake.OpenReadAsync(lakePath, ct).ConfigureAwait(false);
            return stream is null ? null : Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        }

        private static string LakeSafeName(string fileName) =>
            string.Concat(fileName.Select(c => char.IsControl(c) || c is '/' or '\\' ? '_' : c));
    }
}

