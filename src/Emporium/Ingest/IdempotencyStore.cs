using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Emporium.Log;

namespace Emporium.Ingest;

/// <summary>Remembers the response to each Idempotency-Key for a TTL, durably: entries are appended to
/// <c>&lt;data&gt;/ingest/idempotency.ndjson</c> and fsync'd before the response is sent, and reloaded at start-up
/// (expired ones dropped, the file compacted). Concurrent requests with the same key wait for the first.
/// <para>The response can only be recorded after the log append returned, so a crash in between would forget that
/// the request was appended. That gap is closed through the log itself: every message an idempotent request appends
/// carries its <see cref="IngestTag"/>. <see cref="AttachLogAsync"/> (at start-up, before requests are served) reads
/// the log tail written since the last <see cref="CheckpointAsync"/> and remembers the tags of requests that have no
/// recorded response; a retry of such a request is given a tag listing the records already in the log, appends only
/// the others (normally none), and gets the answer the first attempt would have had.</para></summary>
public sealed class IdempotencyStore : IDisposable
{
    /// <summary>Prefix of the consumer group that reads the log tail; its processed offsets are the checkpoint, so
    /// retention keeps the tail until it is checkpointed. Each store is its own group (see <see cref="Group"/>).</summary>
    public const string GroupPrefix = "_idempotency";

    /// <summary>How long <see cref="AttachLogAsync"/> waits for the log to hand this store its partitions (a Kafka
    /// group assigns them asynchronously) before scanning what it has.</summary>
    public static readonly TimeSpan AssignmentWait = TimeSpan.FromSeconds(15);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, IdempotentResponse> _done = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<IdempotentResponse>> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, InDoubt> _inDoubt = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;
    private readonly string _path;
    private readonly string _checkpointPath;
    private readonly FileStream _stream;
    private readonly List<Entry> _unwritten = [];
    private bool _writeFailed;
    private IEventLog? _log;
    private IReadOnlyCollection<string> _topics = [];
    private ILogConsumer? _consumer;
    private IReadOnlyDictionary<TopicPartition, long>? _checkpointed;

    public IdempotencyStore(string directory, TimeSpan ttl, TimeProvider time)
    {
        _time = time;
        _ttl = ttl;
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "idempotency.ndjson");
        _checkpointPath = Path.Combine(directory, "idempotency.checkpoint.json");
        Group = LoadGroup(Path.Combine(directory, "idempotency.group"));
        Load();
        // Unbuffered: an entry whose write failed stays queued in _unwritten, and a stream buffer would keep a copy too.
        _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    public int Count => _done.Count;

    /// <summary>Test seam: an exception returned here fails the next write of the store's file, as a full disk does.</summary>
    internal Func<Exception?>? WriteFault { get; set; }

    /// <summary>This store's consumer group. Several ingest processes on one shared log (Kafka) must each read every
    /// partition, so the name is unique per store and kept in its directory (a moved data dir keeps its group, so a
    /// registered group never becomes an orphan that blocks embedded retention). Existing stores keep the old name.</summary>
    public string Group { get; }

    /// <summary>Requests found in the log without a recorded response (appended, then the server died).</summary>
    public int InDoubtCount => _inDoubt.Count;

    /// <summary>Test seam: runs after the action (the log append) and before its response is recorded; throwing or
    /// killing the process there is the crash this class guards against.</summary>
    internal Action? BeforeRemember { get; set; }

    /// <summary>Runs <paramref name="action"/> at most once per key (while its response is remembered).</summary>
    public Task<(IdempotentResponse Response, IdempotencyOutcome Outcome)> RunAsync(
        string key, string requestHash, Func<CancellationToken, Task<IdempotentResponse>> action, CancellationToken ct) =>
        RunAsync(key, requestHash, (_, c) => action(c), ct);

    /// <summary>Runs <paramref name="action"/> at most once per key; the action gets the tag to write into what it
    /// appends (listing the records already appended by an attempt that died before its response was recorded).</summary>
    public async Task<(IdempotentResponse Response, IdempotencyOutcome Outcome)> RunAsync(
        string key, string requestHash, Func<IngestTag, CancellationToken, Task<IdempotentResponse>> action, CancellationToken ct)
    {
        while (true)
        {
            if (Remembered(key, requestHash) is { } remembered)
            {
                return remembered;
            }
            var mine = new TaskCompletionSource<IdempotentResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            var running = _running.GetOrAdd(key, mine.Task);
            if (running != mine.Task)
            {
                try
                {
                    await running.WaitAsync(ct).ConfigureAwait(false);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    // The first attempt failed; loop and try ourselves.
                }
                continue;
            }
            try
            {
                // Looked up again now that this call holds the key: an attempt that ended between the look above and
                // taking the key remembered its answer (or the records it appended) before letting the key go.
                if (Remembered(key, requestHash) is { } late)
                {
                    mine.SetResult(late.Response);
                    return late;
                }
                var tag = IngestTag.For(key, requestHash);
                if (_inDoubt.TryGetValue(tag.RequestId, out var doubt))
                {
                    if (doubt.BodyHash != tag.BodyHash)
                    {
                        var reused = new IdempotentResponse(422, "", doubt.BodyHash, doubt.ExpiresAt);
                        mine.SetResult(reused);
                        return (reused, IdempotencyOutcome.KeyReused);
                    }
                    tag = tag with { AlreadyDurable = doubt.Durable.ToHashSet() };
                }
                var response = await action(tag, ct).ConfigureAwait(false);
                BeforeRemember?.Invoke();
                if (response.IsFinal)
                {
                    try
                    {
                        await RememberAsync(key, tag.RequestId, response, ct).ConfigureAwait(false);
                    }
                    catch (IOException)
                    {
                        // The disk is full where the log still had room (its segments are padded): the records are in the
                        // log, so this is the answer. A 503 would have the client retry with the same key and append
                        // them again. The answer is remembered in memory and written with the next entry; the
                        // checkpoint does not pass the request before that, so a restart meanwhile finds it in the log.
                    }
                }
                mine.SetResult(response);
                return (response, IdempotencyOutcome.Executed);
            }
            catch (Exception e)
            {
                mine.SetException(e);
                _ = mine.Task.Exception;
                throw;
            }
            finally
            {
                _running.TryRemove(new KeyValuePair<string, Task<IdempotentResponse>>(key, mine.Task));
            }
        }
    }

    /// <summary>The answer remembered for <paramref name="key"/> while it has not expired: replayed, or refused when the
    /// key came with another request.</summary>
    private (IdempotentResponse Response, IdempotencyOutcome Outcome)? Remembered(string key, string requestHash) =>
        _done.TryGetValue(key, out var seen) && seen.ExpiresAt > _time.GetUtcNow()
            ? (seen, seen.RequestHash == requestHash ? IdempotencyOutcome.Replayed : IdempotencyOutcome.KeyReused)
            : null;

    /// <summary>Remembers, durably, that these records of <paramref name="tag"/>'s request are in the log although the
    /// request failed (a partial append), so its retry appends only the others.</summary>
    public async Task RecordDurableAsync(IngestTag tag, IReadOnlyCollection<int> records, CancellationToken ct)
    {
        var doubt = new InDoubt(tag.BodyHash, [.. tag.AlreadyDurable, .. records], NewExpiry());
        _inDoubt[tag.RequestId] = doubt;
        try
        {
            await AppendEntryAsync(new Entry(tag.RequestId, null, doubt), ct).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Queued and written with the next entry, as a response is (see RunAsync).
        }
    }

    /// <summary>The expiry to give a response created now.</summary>
    public DateTimeOffset NewExpiry() => _time.GetUtcNow() + _ttl;

    /// <summary>Reads the tail of <paramref name="topics"/> written since the last checkpoint (everything, the first
    /// time) and remembers, durably, the requests found there without a recorded response. Call once at start-up,
    /// before requests are served; afterwards <see cref="CheckpointAsync"/> moves the checkpoint forward.</summary>
    public async Task AttachLogAsync(IEventLog log, IReadOnlyCollection<string> topics, CancellationToken ct)
    {
        if (_log is not null)
        {
            throw new InvalidOperationException("the idempotency store is already attached to a log");
        }
        _log = log;
        _topics = topics;
        _consumer = log.OpenConsumer(Group, topics);
        var ends = await EndOffsetsAsync(ct).ConfigureAwait(false);
        var positions = ReadCheckpoint();
        var cutoff = _time.GetUtcNow() - _ttl;
        var found = new Dictionary<string, InDoubt>(StringComparer.Ordinal);
        var giveUpAt = _time.GetUtcNow() + AssignmentWait;
        while (ends.Any(e => positions.GetValueOrDefault(e.Key) < e.Value))
        {
            var unassigned = ends.Keys.Any(tp => !_consumer.Assignment.Contains(tp));
            var entries = await _consumer.FetchAsync(positions, 10_000, unassigned ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero, ct).ConfigureAwait(false);
            if (entries.Count == 0 && (!unassigned || _time.GetUtcNow() >= giveUpAt))
            {
                break;
            }
            foreach (var entry in entries)
            {
                positions[entry.Position] = Math.Max(positions.GetValueOrDefault(entry.Position), entry.Offset + 1);
                if (entry.Timestamp < cutoff || entry.Offset >= ends.GetValueOrDefault(entry.Position)
                    || !IngestTag.TryParse(Datasets.CanonicalJson.ReadIngestTag(entry.Value.Span), out var request, out var body, out var index))
                {
                    continue;
                }
                if (!found.TryGetValue(request, out var doubt))
                {
                    found[request] = doubt = new InDoubt(body, [], entry.Timestamp + _ttl);
                }
                doubt.Durable.Add(index);
            }
        }
        var answered = _done.Keys.Select(IngestTag.RequestIdOf).ToHashSet(StringComparer.Ordinal);
        foreach (var (request, doubt) in found.Where(f => !answered.Contains(f.Key)))
        {
            await AppendEntryAsync(new Entry(request, null, doubt), ct).ConfigureAwait(false);
            _inDoubt[request] = doubt;
        }
        await WriteCheckpointAsync(ends, ct).ConfigureAwait(false);
    }

    /// <summary>Moves the checkpoint to the current log end once every request in flight now has finished (its
    /// response recorded), so the next start only reads what was appended after. Cheap when nothing changed.</summary>
    public async Task CheckpointAsync(CancellationToken ct)
    {
        if (_log is null)
        {
            return;
        }
        // End offsets first, then the requests in flight: anything below the ends was appended by a request that
        // is either in flight now (waited for below) or already finished.
        var ends = await EndOffsetsAsync(ct).ConfigureAwait(false);
        if (_checkpointed is { } last && ends.Count == last.Count && ends.All(e => last.GetValueOrDefault(e.Key) == e.Value))
        {
            return;
        }
        foreach (var running in _running.Values.ToArray())
        {
            try
            {
                await running.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // A failed request recorded nothing; see the limits in docs/http-api.md.
            }
        }
        // An answer not yet written (a full disk) is known only from the log until it is: the checkpoint must not pass
        // its records first. Throws while the disk is still full.
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            WriteUnwritten();
        }
        finally
        {
            _gate.Release();
        }
        await WriteCheckpointAsync(ends, ct).ConfigureAwait(false);
    }

    public void Dispose()
    {
        try
        {
            WriteUnwritten();
        }
        catch (IOException)
        {
            // Still full: the log holds what the unwritten answers were about, and the checkpoint stayed before it.
        }
        _stream.Dispose();
        _gate.Dispose();
        if (_consumer is not null)
        {
            _consumer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _consumer = null;
        }
    }

    private async Task<Dictionary<TopicPartition, long>> EndOffsetsAsync(CancellationToken ct)
    {
        var ends = new Dictionary<TopicPartition, long>();
        foreach (var topic in _topics)
        {
            IReadOnlyDictionary<TopicPartition, long> offsets;
            try
            {
                offsets = await _log!.GetEndOffsetsAsync(topic, ct).ConfigureAwait(false);
            }
            catch (KeyNotFoundException)
            {
                continue; // not created yet: nothing appended to it
            }
            foreach (var (tp, end) in offsets)
            {
                ends[tp] = end;
            }
        }
        return ends;
    }

    private static string LoadGroup(string path)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }
        // A store created before groups were per store keeps the shared name its log already registered.
        var group = File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "idempotency.checkpoint.json"))
            ? GroupPrefix
            : $"{GroupPrefix}-{Guid.NewGuid():N}";
        Log.Embedded.DurableFiles.WriteAtomic(path, System.Text.Encoding.UTF8.GetBytes(group));
        return group;
    }

    private Dictionary<TopicPartition, long> ReadCheckpoint()
    {
        if (!File.Exists(_checkpointPath))
        {
            return [];
        }
        var stored = JsonSerializer.Deserialize<List<CheckpointEntry>>(File.ReadAllBytes(_checkpointPath), Json) ?? [];
        return stored.ToDictionary(c => new TopicPartition(c.Topic, c.Partition), c => c.Next);
    }

    private async Task WriteCheckpointAsync(IReadOnlyDictionary<TopicPartition, long> ends, CancellationToken ct)
    {
        var entries = ends.Select(e => new CheckpointEntry(e.Key.Topic, e.Key.Partition, e.Value)).ToList();
        Log.Embedded.DurableFiles.WriteAtomic(_checkpointPath, JsonSerializer.SerializeToUtf8Bytes(entries, Json));
        _checkpointed = ends;
        try
        {
            await _consumer!.ReportProcessedAsync(ends, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Advisory (retention); the checkpoint file is what the next start reads.
        }
    }

    /// <summary>Remembers the answer in memory, then writes it; throws when the write failed (the entry stays queued).</summary>
    private async Task RememberAsync(string key, string requestId, IdempotentResponse response, CancellationToken ct)
    {
        _done[key] = response;
        _inDoubt.TryRemove(requestId, out _);
        await AppendEntryAsync(new Entry(key, response, null), ct).ConfigureAwait(false);
    }

    /// <summary>Queues the entry and writes every queued one; throws when the write failed, leaving them queued for
    /// the next write.</summary>
    private async Task AppendEntryAsync(Entry entry, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _unwritten.Add(entry);
            WriteUnwritten();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes and fsyncs the queued entries (under <see cref="_gate"/>).</summary>
    private void WriteUnwritten()
    {
        if (_unwritten.Count == 0)
        {
            return;
        }
        var buffer = new ArrayBufferWriter<byte>();
        if (_writeFailed)
        {
            // A failed write may have left part of a line; this write starts where that one did, and a line break
            // first keeps whatever it does not cover a line of its own (one that does not parse is skipped at load).
            buffer.Write("\n"u8);
        }
        foreach (var entry in _unwritten)
        {
            buffer.Write(JsonSerializer.SerializeToUtf8Bytes(entry, Json));
            buffer.Write("\n"u8);
        }
        try
        {
            if (WriteFault?.Invoke() is { } fault)
            {
                throw fault;
            }
            _stream.Write(buffer.WrittenSpan);
            _stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            _writeFailed = true;
            throw;
        }
        _writeFailed = false;
        _unwritten.Clear();
    }

    private void Load()
    {
        if (!File.Exists(_path))
        {
            return;
        }
        var now = _time.GetUtcNow();
        var total = 0;
        foreach (var line in File.ReadLines(_path))
        {
            total++;
            Entry? entry;
            try
            {
                entry = JsonSerializer.Deserialize<Entry>(line, Json);
            }
            catch (JsonException)
            {
                continue; // a torn last line after a crash: that response was never sent
            }
            if (entry?.Response is { } r && r.ExpiresAt > now)
            {
                _done[entry.Key] = r;
            }
            else if (entry?.InDoubt is { } d && d.ExpiresAt > now)
            {
                _inDoubt[entry.Key] = d;
            }
        }
        foreach (var key in _done.Keys)
        {
            _inDoubt.TryRemove(IngestTag.RequestIdOf(key), out _);
        }
        if (total > _done.Count + _inDoubt.Count)
        {
            var temp = _path + ".tmp";
            using (var writer = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                foreach (var entry in _done.Select(d => new Entry(d.Key, d.Value, null)).Concat(_inDoubt.Select(d => new Entry(d.Key, null, d.Value))))
                {
                    writer.Write(JsonSerializer.SerializeToUtf8Bytes(entry, Json));
                    writer.WriteByte((byte)'\n');
                }
                writer.Flush(flushToDisk: true);
            }
            File.Move(temp, _path, overwrite: true);
        }
    }

    /// <summary>A line of the store: a recorded response (by route-scoped key), or a request found in the log without
    /// one (by <see cref="IngestTag.RequestId"/>).</summary>
    private sealed record Entry(string Key, IdempotentResponse? Response, InDoubt? InDoubt);

    /// <summary>What the log holds of a request whose response was never recorded.</summary>
    private sealed record InDoubt(string BodyHash, HashSet<int> Durable, DateTimeOffset ExpiresAt);

    private sealed record CheckpointEntry(string Topic, int Partition, long Next);
}
