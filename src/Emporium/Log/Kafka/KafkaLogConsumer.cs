using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Emporium.Log.Kafka;

/// <summary>A member of a Kafka consumer group. Kafka decides which partitions it owns (<see cref="Assignment"/>
/// changes on every rebalance); the caller decides where it reads from: every fetch seeks each owned partition to the
/// caller's position (when the client is not already there), because positions live in the warehouse, committed in
/// the same transaction as the rows. Offsets are committed to Kafka only as a report (lag), never read back to decide
/// where to resume. librdkafka consumers are not thread-safe for consuming, so every call that touches the client
/// runs one at a time; rebalance callbacks run inside those calls.</summary>
internal sealed class KafkaLogConsumer : ILogConsumer
{
    private readonly KafkaEventLog _log;
    private readonly IConsumer<string?, byte[]> _consumer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _assignmentLock = new();
    private readonly HashSet<TopicPartition> _assignment = [];

    // Next offset the client will deliver per owned partition, when known (after a seek or a delivered message).
    private readonly Dictionary<TopicPartition, long> _next = [];
    private IReadOnlyDictionary<TopicPartition, long> _fetchPositions = new Dictionary<TopicPartition, long>();
    private int _rebalances;
    private bool _disposed;

    public KafkaLogConsumer(KafkaEventLog log, string group, string[] topics)
    {
        _log = log;
        Group = group;
        var config = new ConsumerConfig(log.ClientConfig())
        {
            GroupId = group,
            // The warehouse holds the positions; Kafka's committed offsets are only reported, never relied on.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // A position older than the log start (deleted by retention) reads from the log start, as embedded.
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = (int)log.Options.SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = (int)Math.Max(100, log.Options.SessionTimeout.TotalMilliseconds / 5),
            // Topics are created by EnsureTopicAsync, never as a side effect of subscribing.
            AllowAutoCreateTopics = false,
        };
        _consumer = new ConsumerBuilder<string?, byte[]>(config)
            .SetLogHandler((_, m) => KafkaEventLog.LogClientMessage(log.Logger, m))
            .SetErrorHandler((_, e) => KafkaEventLog.LogClientError(log.Logger, e))
            .SetPartitionsAssignedHandler(OnAssigned)
            .SetPartitionsRevokedHandler((_, revoked) => OnRevoked(revoked))
            .SetPartitionsLostHandler((_, lost) => OnRevoked(lost))
            .Build();
        _consumer.Subscribe(topics);
    }

    public string Group { get; }

    public IReadOnlyCollection<TopicPartition> Assignment
    {
        get
        {
            lock (_assignmentLock)
            {
                return [.. _assignment];
            }
        }
    }

    public async ValueTask<IReadOnlyList<LogEntry>> FetchAsync(
        IReadOnlyDictionary<TopicPartition, long> positions, int maxRecords, TimeSpan maxWait, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(positions);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        _log.ThrowIfDisposed();
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await Task.Run(() => Fetch(positions, maxRecords, maxWait, ct), ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Commits the processed offsets of partitions this member still owns, so Kafka tools and
    /// <see cref="IEventLog.GetGroupOffsetsAsync"/> show the lag. A partition revoked meanwhile belongs to its new owner,
    /// which reports it. Commit failures caused by a rebalance in progress are ignored: the report is advisory.</summary>
    public async ValueTask ReportProcessedAsync(IReadOnlyDictionary<TopicPartition, long> next, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(next);
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var owned = Assignment;
            var offsets = next.Where(kv => owned.Contains(kv.Key))
                .Select(kv => new TopicPartitionOffset(kv.Key.Topic, kv.Key.Partition, kv.Value))
                .ToList();
            if (offsets.Count == 0)
            {
                return;
            }
            await Task.Run(() =>
            {
                try
                {
                    _consumer.Commit(offsets);
                }
                catch (KafkaException e) when (e.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration
                                                   or ErrorCode.UnknownMemberId or ErrorCode.Local_State)
                {
                    _log.Logger.LogDebug("offset report skipped during a rebalance: {Reason}", e.Error.Reason);
                }
            }, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            // Close leaves the group at once, so the other members take over the partitions without waiting for
            // the session timeout.
            var closing = Task.Run(() =>
            {
                try
                {
                    _consumer.Close();
                }
                catch (KafkaException e)
                {
                    _log.Logger.LogWarning("kafka consumer of group {Group} did not leave cleanly: {Reason}", Group, e.Error.Reason);
                }
                finally
                {
                    // Whatever Close threw, it has returned: the handle is no longer in use.
                    _consumer.Dispose();
                }
            });
            var timeout = _log.Options.CloseTimeout;
            if (await Task.WhenAny(closing, Task.Delay(timeout, _log.Time)).ConfigureAwait(false) != closing)
            {
                // Disposing the handle while Close still runs on it would crash in native code: it is left to the
                // process's exit, and the group drops this member after its session timeout.
                _log.Logger.LogWarning("kafka consumer of group {Group} did not close within {Timeout}; abandoned (the group drops it after the session timeout)",
                    Group, timeout);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private List<LogEntry> Fetch(IReadOnlyDictionary<TopicPartition, long> positions, int maxRecords, TimeSpan maxWait, CancellationToken ct)
    {
        var time = _log.Time;
        var started = time.GetTimestamp();
        var rebalances = _rebalances;
        _fetchPositions = positions;
        var entries = new List<LogEntry>();
        try
        {
            SeekOwned(positions);
            while (entries.Count < maxRecords)
            {
                ct.ThrowIfCancellationRequested();
                var remaining = maxWait - time.GetElapsedTime(started);
                // Once something arrived, take only what the client already holds, then hand the batch over.
                var wait = entries.Count > 0 || remaining <= TimeSpan.Zero ? TimeSpan.Zero : Min(remaining, TimeSpan.FromMilliseconds(100));
                var result = Consume(wait);
                if (_rebalances != rebalances)
                {
                    // Ownership changed: return what is still owned, so the caller looks at the new assignment (and
                    // loads positions for partitions it just got) before reading on.
                    var owned = Assignment;
                    entries.RemoveAll(e => !owned.Contains(e.Position));
                    if (result?.Message is not null)
                    {
                        // Not handed over: the next fetch must seek back to it.
                        _next.Remove(new TopicPartition(result.Topic, result.Partition.Value));
                    }
                    return entries;
                }
                if (result?.Message is null)
                {
                    if (entries.Count > 0 || remaining <= TimeSpan.Zero)
                    {
                        return entries;
                    }
                    continue;
                }
                var partition = new TopicPartition(result.Topic, result.Partition.Value);
                var offset = result.Offset.Value;
                if (_next.TryGetValue(partition, out var expected) && offset < expected)
                {
                    continue; // fetched before a seek moved the partition forward
                }
                _next[partition] = offset + 1;
                entries.Add(new LogEntry(partition, offset, result.Message.Key, result.Message.Value,
                    result.Message.Timestamp.Type == TimestampType.NotAvailable ? time.GetUtcNow() : new DateTimeOffset(result.Message.Timestamp.UtcDateTime)));
            }
            return entries;
        }
        finally
        {
            _fetchPositions = new Dictionary<TopicPartition, long>();
        }
    }

    private ConsumeResult<string?, byte[]>? Consume(TimeSpan wait)
    {
        try
        {
            return _consumer.Consume(wait);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal && e.Error.Code is ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic or ErrorCode.Local_UnknownPartition)
        {
            // A subscribed topic that does not exist yet: nothing to read from it until it is created.
            return null;
        }
    }

    /// <summary>Moves every owned partition whose client position differs from the caller's to the caller's.</summary>
    private void SeekOwned(IReadOnlyDictionary<TopicPartition, long> positions)
    {
        foreach (var partition in Assignment)
        {
            var wanted = positions.GetValueOrDefault(partition, 0);
            if (_next.TryGetValue(partition, out var at) && at == wanted)
            {
                continue;
            }
            _consumer.Seek(new TopicPartitionOffset(partition.Topic, partition.Partition, wanted));
            _next[partition] = wanted;
        }
    }

    /// <summary>Runs inside <see cref="Consume"/>: new partitions start at the caller's positions of the fetch in
    /// progress (0 when it has none), so no seek is needed right after an assignment.</summary>
    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<string?, byte[]> consumer, List<Confluent.Kafka.TopicPartition> assigned)
    {
        var positions = _fetchPositions;
        var start = new List<TopicPartitionOffset>(assigned.Count);
        lock (_assignmentLock)
        {
            foreach (var tp in assigned)
            {
                var partition = new TopicPartition(tp.Topic, tp.Partition.Value);
                var offset = positions.GetValueOrDefault(partition, 0);
                _assignment.Add(partition);
                _next[partition] = offset;
                start.Add(new TopicPartitionOffset(tp, offset));
            }
        }
        Interlocked.Increment(ref _rebalances);
        _log.Logger.LogInformation("kafka group {Group}: assigned {Partitions}", Group, string.Join(", ", assigned));
        return start;
    }

    private void OnRevoked(List<TopicPartitionOffset> revoked)
    {
        lock (_assignmentLock)
        {
            foreach (var tp in revoked)
            {
                var partition = new TopicPartition(tp.Topic, tp.Partition.Value);
                _assignment.Remove(partition);
                _next.Remove(partition);
            }
        }
        Interlocked.Increment(ref _rebalances);
        _log.Logger.LogInformation("kafka group {Group}: revoked {Partitions}", Group, string.Join(", ", revoked.Select(r => r.TopicPartition)));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
