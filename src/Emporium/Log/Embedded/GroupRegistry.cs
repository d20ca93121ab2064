using System.Text.Json;

namespace Emporium.Log.Embedded;

/// <summary>Consumer groups known to the log, with the topics they read and the offsets they reported as
/// processed; one JSON file per group under <c>groups/</c>, replaced atomically. Retention reads it to never delete
/// what a registered group still needs.</summary>
internal sealed class GroupRegistry
{
    private readonly string _directory;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, GroupFile> _groups = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _persist = new(1, 1);

    public GroupRegistry(string directory)
    {
        _directory = directory;
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

        await PersistAsync(snapshot, ct).ConfigureAwait(false);
    }

    public async ValueTask ReportAsync(string group, IReadOnlyDictionary<TopicPartition, long> next, CancellationToken ct)
    {
        GroupFile snapshot;
        lock (_lock)
        {
            var current = _groups.GetValueOrDefault(group)
                          ?? throw new InvalidOperationException($"Consumer group '{group}' is not registered.");
            var processed = new Dictionary<string, long>(current.Processed, StringComparer.Ordinal);
            foreach (var (partition, offset) in next)
            {
                processed[partition.ToString()] = offset;
            }

            snapshot = _groups[group] = current with { Processed = processed };
        }

        await PersistAsync(snapshot, ct).ConfigureAwait(false);
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

    private async ValueTask PersistAsync(GroupFile snapshot, CancellationToken ct)
    {
        await _persist.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // Writes are serialized, and the latest state is written so an older snapshot never wins a race.
            lock (_lock)
            {
                if (!_groups.TryGetValue(snapshot.Group, out var latest))
                {
                    return;
                }

                snapshot = latest;
            }

            DurableFiles.WriteAtomic(PathOf(snapshot.Group), JsonSerializer.SerializeToUtf8Bytes(snapshot));
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
