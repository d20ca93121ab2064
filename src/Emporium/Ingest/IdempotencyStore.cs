using System.Collections.Concurrent;
using System.Text.Json;

namespace Emporium.Ingest;

/// <summary>Remembers the response to each Idempotency-Key for a TTL, durably: entries are appended to
/// <c>&lt;data&gt;/ingest/idempotency.ndjson</c> and fsync'd before the response is sent, and reloaded at start-up
/// (expired ones dropped, the file compacted). Concurrent requests with the same key wait for the first.
/// The response is recorded after the log append returned, so a crash in between can make a retry of an
/// unacknowledged request append again; an acknowledged request is never appended twice.</summary>
public sealed class IdempotencyStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, IdempotentResponse> _done = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<IdempotentResponse>> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeProvider _time;
    private readonly TimeSpan _ttl;
    private readonly string _path;
    private readonly FileStream _stream;

    public IdempotencyStore(string directory, TimeSpan ttl, TimeProvider time)
    {
        _time = time;
        _ttl = ttl;
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "idempotency.ndjson");
        Load();
        _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public int Count => _done.Count;

    /// <summary>Runs <paramref name="action"/> at most once per key (while its response is remembered).</summary>
    public async Task<(IdempotentResponse Response, IdempotencyOutcome Outcome)> RunAsync(
        string key, string requestHash, Func<CancellationToken, Task<IdempotentResponse>> action, CancellationToken ct)
    {
        while (true)
        {
            if (_done.TryGetValue(key, out var seen) && seen.ExpiresAt > _time.GetUtcNow())
            {
                return (seen, seen.RequestHash == requestHash ? IdempotencyOutcome.Replayed : IdempotencyOutcome.KeyReused);
            }
            var mine = new TaskCompletionSource<IdempotentResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            var running = _running.GetOrAdd(key, mine.Task);
            if (running != mine.Task)
            {
                try
                {
                    await running.WaitAsync(ct);
                }
                catch (Exception) when (!ct.IsCancellationRequested)
                {
                    // The first attempt failed; loop and try ourselves.
                }
                continue;
            }
            try
            {
                var response = await action(ct);
                if (response.IsFinal)
                {
                    await RememberAsync(key, response, ct);
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

    /// <summary>The expiry to give a response created now.</summary>
    public DateTimeOffset NewExpiry() => _time.GetUtcNow() + _ttl;

    public void Dispose()
    {
        _stream.Dispose();
        _gate.Dispose();
    }

    private async Task RememberAsync(string key, IdempotentResponse response, CancellationToken ct)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(new Entry(key, response), Json);
        await _gate.WaitAsync(ct);
        try
        {
            await _stream.WriteAsync(line, CancellationToken.None);
            _stream.WriteByte((byte)'\n');
            _stream.Flush(flushToDisk: true);
            _done[key] = response;
        }
        finally
        {
            _gate.Release();
        }
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
        }
        if (total > _done.Count)
        {
            var temp = _path + ".tmp";
            using (var writer = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                foreach (var (key, response) in _done)
                {
                    writer.Write(JsonSerializer.SerializeToUtf8Bytes(new Entry(key, response), Json));
                    writer.WriteByte((byte)'\n');
                }
                writer.Flush(flushToDisk: true);
            }
            File.Move(temp, _path, overwrite: true);
        }
    }

    private sealed record Entry(string Key, IdempotentResponse Response);
}
