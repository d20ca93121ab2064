namespace Emporium.Log.Embedded;

/// <summary>The single member of a group in the embedded log: it owns every partition of its topics (including
/// partitions of topics created after it opened). Not for concurrent use: one fetch at a time.</summary>
internal sealed class EmbeddedLogConsumer(EmbeddedEventLog log, string group, string[] topics) : ILogConsumer
{
    private readonly Dictionary<TopicPartition, ReadCursor> _cursors = [];
    private int _rotation;
    private bool _disposed;

    public string Group { get; } = group;

    public IReadOnlyCollection<TopicPartition> Assignment => [.. Partitions().Select(p => p.Id)];

    public async ValueTask<IReadOnlyList<LogEntry>> FetchAsync(
        IReadOnlyDictionary<TopicPartition, long> positions, int maxRecords, TimeSpan maxWait, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        var started = log.Time.GetTimestamp();
        while (true)
        {
            log.ThrowIfDisposed();
            ct.ThrowIfCancellationRequested();

            // Take the signal before reading so a commit landing between the read and the wait is not missed.
            var committed = log.NextCommit;
            var entries = ReadAvailable(positions, maxRecords);
            var remaining = maxWait - log.Time.GetElapsedTime(started);
            if (entries.Count > 0 || remaining <= TimeSpan.Zero)
            {
                return entries;
            }

            try
            {
                await committed.WaitAsync(remaining, log.Time, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return ReadAvailable(positions, maxRecords);
            }
        }
    }

    public ValueTask ReportProcessedAsync(IReadOnlyDictionary<TopicPartition, long> next, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(next);
        foreach (var partition in next.Keys)
        {
            if (Array.IndexOf(topics, partition.Topic) < 0)
            {
                throw new ArgumentException($"Partition {partition} is not assigned to this consumer of group '{Group}'.", nameof(next));
            }
        }

        return log.ReportProcessedAsync(Group, next, ct);
    }

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    private List<LogEntry> ReadAvailable(IReadOnlyDictionary<TopicPartition, long> positions, int maxRecords)
    {
        var partitions = Partitions();
        var entries = new List<LogEntry>();
        if (partitions.Count == 0)
        {
            return entries;
        }

        // Start at a different partition each time so one busy partition cannot starve the others. A first pass
        // gives each partition at most an equal share, so a backlog in one topic cannot crowd a fresh record of
        // another out of the fetch (its freshness would then wait for the whole backlog); a second pass fills the
        // rest of the fetch, continuing where the first one stopped.
        var start = (int)((uint)_rotation++ % (uint)partitions.Count);
        var share = Math.Max(1, maxRecords / partitions.Count);
        var reached = new Dictionary<TopicPartition, long>();
        foreach (var quota in (int[])[share, maxRecords])
        {
            if (!ReadPass(partitions, start, positions, reached, quota, maxRecords, entries))
            {
                break;
            }
        }

        return entries;
    }

    /// <summary>Reads up to <paramref name="quota"/> more entries from each partition, from where the previous pass
    /// stopped (<paramref name="reached"/>). Returns false once the fetch is full (records or bytes).</summary>
    private bool ReadPass(List<Partition> partitions, int start, IReadOnlyDictionary<TopicPartition, long> positions,
        Dictionary<TopicPartition, long> reached, int quota, int maxRecords, List<LogEntry> entries)
    {
        var maxBytes = log.Options.MaxFetchBytes;
        for (var i = 0; i < partitions.Count; i++)
        {
            if (entries.Count >= maxRecords)
            {
                return false;
            }
            var partition = partitions[(start + i) % partitions.Count];
            var from = reached.TryGetValue(partition.Id, out var next) ? next : positions.GetValueOrDefault(partition.Id);
            var hint = _cursors.GetValueOrDefault(partition.Id, ReadCursor.None);
            var before = entries.Count;
            var bytesSoFar = entries.Sum(e => (long)e.Value.Length);
            _cursors[partition.Id] = partition.Read(from, Math.Min(quota, maxRecords - entries.Count), Math.Max(1, maxBytes - bytesSoFar), entries, hint);
            if (entries.Count > before)
            {
                reached[partition.Id] = entries[^1].Offset + 1;
                if (bytesSoFar >= maxBytes)
                {
                    return false;
                }
            }
        }
        return entries.Count < maxRecords;
    }

    private List<Partition> Partitions()
    {
        var result = new List<Partition>();
        foreach (var topic in topics)
        {
            if (log.FindTopic(topic) is { } found)
            {
                result.AddRange(found.Partitions);
            }
        }

        return result;
    }
}
