using System.Text.Json;

namespace Emporium.Log.Embedded;

/// <summary>Consumer groups known to the log, with the topics they read and the offsets they reported as
/// processed; one JSON file per group under <c>groups/</c>, replaced atomically. Retention reads it to never delete
/// what a registered group still needs. Registration is durable at once; reported offsets are written in the
/// background at most every flush interval, because a processor reports after every micro-batch and two syncs per
/// report would cost more than the batch. Losing the latest reports in a crash is safe: the stored offsets are then
/// lower, which only makes retention keep more.</summary>
internal sealed class GroupRegistry
{
    private readonly string _directory;
    private readonly TimeSpan _flushInterval;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, GroupFile> _groups = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _persist = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private bool _flushScheduled;
    private bool _closed;
    private Task _flushLoop = Task.CompletedTask;

    public GroupRegistry(string directory, TimeSpan flushInterval)
    {
        _directory = directory;
        _flushInterval = flushInterval;
        Directory.CreateDirectory(directory);
        foreach (var path in Directory.EnumerateFiles(directory, "*.json"))
        {
            var group = JsonSerializer.Deserialize<GroupFile>(File.ReadAllBytes(path))
                        ?? throw new InvalidDataException($"Group file {path} is empty.");
            _groups[group.Group] = group;
        }
    }

    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_lock)
            {
                return [.. _groups.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    public async ValueTask RegisterAsync(string group, IEnumerable<string> topics, CancellationToken ct)
    {
        GroupFile snapshot;
        lock (_lock)
        {
            var current = _groups.GetValueOrDefault(group) ?? new GroupFile(group, [], []);
            var merged = current.Topics.Union(topics).Order(StringComparer.Ordinal).ToArray();
            if (_groups.ContainsKey(group) && merged.Length == current.Topics.Length)
            {
                return;
            }

            snapshot = _groups[group] = current with { Topics = merged };
        }

        await PersistAsync(snapshot.Group, ct).ConfigureAwait(false);
    }

    public async ValueTask ReportAsync(string group, IReadOnlyDictionary<TopicPartition, long> next, CancellationToken ct)
    {
        var schedule = false;
        lock (_lock)
        {
            var current = _groups.GetValueOrDefault(group)
                          ?? throw new InvalidOperationException($"Consumer group '{group}' is not registered.");
            var processed = new Dictionary<string, long>(current.Processed, StringComparer.Ordinal);
            foreach (var (partition, offset) in next)
            {
                processed[partition.ToString()] = offset;
            }

            _groups[group] = current with { Processed = processed };
            if (_flushInterval > TimeSpan.Zero)
            {
                _dirty.Add(group);
                schedule = !_flushScheduled && !_closed;
                _flushScheduled |= schedule;
            }
        }

        if (_flushInterval <= TimeSpan.Zero)
        {
            await PersistAsync(group, ct).ConfigureAwait(false);
        }
        else if (schedule)
        {
            lock (_lock)
            {
                _flushLoop = Task.Run(FlushLoopAsync, CancellationToken.None);
            }
        }
    }

    /// <summary>Error of the last background write of reported offsets, null when it succeeded.</summary>
    public Exception? LastFlushError { get; private set; }

    /// <summary>Writes every reported-but-unwritten group now and stops background writes (on close).</summary>
    public async ValueTask CloseAsync()
    {
        Task loop;
        lock (_lock)
        {
            _closed = true;
            loop = _flushLoop;
        }

        await _closing.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        await FlushDirtyAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task FlushLoopAsync()
    {
        while (true)
        {
            try
            {
                // Pacing only, hence the real clock rather than the injected TimeProvider.
                await Task.Delay(_flushInterval, _closing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // closing: CloseAsync writes what is left
            }

            try
            {
                await FlushDirtyAsync(CancellationToken.None).ConfigureAwait(false);
                LastFlushError = null;
            }
            catch (Exception ex)
            {
                LastFlushError = ex;
            }

            lock (_lock)
            {
                if (_dirty.Count == 0 || _closed)
                {
                    _flushScheduled = false;
                    return;
                }
            }
        }
    }

    private async ValueTask FlushDirtyAsync(CancellationToken ct)
    {
        string[] groups;
        lock (_lock)
        {
            groups = [.. _dirty];
            _dirty.Clear();
        }

        for (var i = 0; i < groups.Length; i++)
        {
            try
            {
                await PersistAsync(groups[i], ct).ConfigureAwait(false);
            }
            catch
            {
                lock (_lock)
                {
                    // Retry these at the next flush.
                    _dirty.UnionWith(groups[i..]);
                }

                throw;
            }
        }
    }

    public IReadOnlyDictionary<TopicPartition, long> Processed(string group, string topic, int partitions)
    {
        lock (_lock)
        {
            var file = _groups.GetValueOrDefault(group)
                       ?? throw new KeyNotFoundException($"Consumer group '{group}' is not registered.");
            return Enumerable.Range(0, partitions)
                .Select(p => new TopicPartition(topic, p))
                .ToDictionary(tp => tp, tp => file.Processed.GetValueOrDefault(tp.ToString()));
        }
    }

    /// <summary>Lowest processed offset over the groups registered for the topic; null when no group is.</summary>
    public long? MinProcessed(TopicPartition partition)
    {
        lock (_lock)
        {
            long? min = null;
            foreach (var file in _groups.Values)
            {
                if (Array.IndexOf(file.Topics, partition.Topic) >= 0)
                {
                    var processed = file.Processed.GetValueOrDefault(partition.ToString());
                    min = min is null ? processed : Math.Min(min.Value, processed);
                }
            }

            return min;
        }
    }

    public async ValueTask<bool> DeleteAsync(string group, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_groups.Remove(group))
            {
                return false;
            }
        }

        await _persist.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            File.Delete(PathOf(group));
            DurableFiles.SyncDirectory(_directory);
            return true;
        }
        finally
        {
            _persist.Release();
        }
    }

    private async ValueTask PersistAsync(string group, CancellationToken ct)
    {
        await _persist.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Writes are serialized, and the latest state is written so an older snapshot never wins a race.
            GroupFile? latest;
            lock (_lock)
            {
                if (!_groups.TryGetValue(group, out latest))
                {
                    return;
                }
            }

            DurableFiles.WriteAtomic(PathOf(group), JsonSerializer.SerializeToUtf8Bytes(latest));
        }
        finally
        {
            _persist.Release();
        }
    }

    private string PathOf(string group) => Path.Combine(_directory, group + ".json");

    /// <summary>Persisted form of a group: its topics and processed (next) offsets keyed by "topic/partition".</summary>
    internal sealed record GroupFile(string Group, string[] Topics, Dictionary<string, long> Processed);
}
