using System.Security.Cryptography;
using System.Text.Json;
using Emporium.Batch.Formats;
using Emporium.Datasets;
using Emporium.Diagnostics;
using Emporium.Lake;
using Emporium.Log;
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && !DiskFull.Is(e))
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
        var recordPath = request.ReadSettings.JsonPath is null ? null : await ChosenRecordPathAsync(path, probe, request.ReadSettings, ct).ConfigureAwait(false);
        var variant = FileLoadMarker.VariantOf(schema, request.Constants, recordPath);
        var marker = await FileLoadMarker.FindAsync(schema.Name, probe.Sha256, variant, offsets, manifests, ct).ConfigureAwait(false);
        var (done, nextRow, failed) = marker.Read(offsets);
        if (done && !request.Force)
        {
            var with = string.Join(", ", new[] { recordPath is null ? null : $"records at {recordPath}", request.Constants is { Count: > 0 } c ? Values(c) : null }.OfType<string>());
            return new FileLoadResult(path, FileLoadStatus.Skipped, probe.Sha256, null, 0, 0, 0, [], null,
                [$"already loaded into '{schema.Name}' (same content{(with.Length == 0 ? "" : $" with {with}")}); use --force to reload it"], null);
        }
        if (request.Constants is { Count: > 0 } && !request.Force && nextRow == 0 && !failed
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

    /// <summary><see cref="JsonRecordPath.Chosen"/> for a JSON document (a gzip one probed decompressed); null for
    /// another format, which takes no record path, and for content that cannot be read (the load says why).</summary>
    private static async Task<string?> ChosenRecordPathAsync(string path, FileProbe probe, ReadSettings settings, CancellationToken ct)
    {
        try
        {
            var gzip = Compression.IsGzip(probe.Head);
            var content = gzip ? await Compression.ProbeGzipAsync(path, ct).ConfigureAwait(false) : probe;
            var format = FormatDetector.Resolve(gzip ? Compression.InnerName(path) : path, content, settings.Format, _ => { });
            return format == FileFormat.Json ? JsonRecordPath.Chosen(settings.JsonPath, content) : null;
        }
        catch (FileReadException)
        {
            return null;
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
                // A header with no row under it is judged by its names alone: a sheet or file of another table is a
                // mistake to report, not an empty load to record as done.
                return read == 0 && input.Columns is { } columns ? new RowsEnd(Conform(columns, tabular: true, input.UnnamedColumns), null) : default;
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
            IEnumerable<string> names = (row.Fields is { } fields ? FieldRow.SourceNamesOf(fields).Distinct(StringComparer.Ordinal) : null)
                ?? (row.IsJson ? row.Json.EnumerateObject().Select(p => p.Name) : null)
                ?? [];
            if (row.Error is not null)
            {
                return null; // judged by the rows that can be read
            }
            return Conform(names, tabular: row.Fields is not null, row.Fields is { } f ? FieldRow.UnnamedOf(f) : []);
        }

        /// <summary>Null when <paramref name="names"/> fit the dataset, else why not. Warns about the extra columns of a
        /// tabular file (a JSON record's other fields are its own business). A column without a name in the header is
        /// said as such: the warning named it by its positional name (<c>column9</c>), a column the file does not have,
        /// for the empty last field of an export that ends every line with a delimiter.</summary>
        private string? Conform(IEnumerable<string> names, bool tabular, IReadOnlyList<UnnamedColumn> unnamed)
        {
            var outcome = SchemaConformance.Check(schema, names, request.Constants?.Keys);
            if (tabular)
            {
                var blank = unnamed.Where(u => outcome.Unmapped.Contains(u.Name)).ToList();
                var named = outcome.Unmapped.Where(n => !blank.Any(u => u.Name == n)).ToList();
                if (named.Count > 0)
                {
                    warnings.Add($"columns not in dataset '{schema.Name}', kept in the raw zone only: {string.Join(", ", named)}");
                }
                if (blank.Count > 0)
                {
                    warnings.Add(UnnamedColumn.Warning(blank));
                }
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

