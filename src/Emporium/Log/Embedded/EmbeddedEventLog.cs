using System.Collections.Concurrent;

namespace Emporium.Log.Embedded;

/// <summary>The embedded durable log: per topic a directory of partitions, each a sequence of CRC-framed segment
/// files with group commit. Layout: <c>topics/&lt;topic&gt;/topic.json</c>, <c>topics/&lt;topic&gt;/&lt;p&gt;/*.seg|*.idx</c>,
/// <c>groups/&lt;group&gt;.json</c>, and a <c>.lock</c> held while open so two processes never write one log.</summary>
public sealed partial class EmbeddedEventLog : IEventLog
{
    private readonly EmbeddedLogOptions _options;
    private readonly LogCommitPolicy _policy;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, EmbeddedTopic> _topics = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _topicCreation = new(1, 1);
    private readonly GroupRegistry _groups;
    private readonly FileStream _lock;
    private TaskCompletionSource _committed = NewSignal();
    private int _disposed;

    private EmbeddedEventLog(EmbeddedLogOptions options, TimeProvider time, FileStream lockFile)
    {
        _options = options;
        _policy = options.CommitPolicy ?? new GroupCommitPolicy(options.Commit);
        _time = time;
        _lock = lockFile;
        _groups = new GroupRegistry(Path.Combine(options.Directory, "groups"), options.GroupOffsetsFlushInterval);
        StartRetentionTimer();
    }

    public string Describe => $"embedded:{_options.Directory}";

    public int MaxRecordBytes => _options.MaxRecordBytes;

    /// <summary>False: one process holds the log (the data dir's lock), an append that fails names the messages that
    /// are durable (<see cref="PartialAppendException"/>), and that process's Idempotency-Key store, which finds its
    /// requests in the log after a crash, appends a retry's missing records only.</summary>
    public bool MayRepeatTaggedAppends => false;

    public EmbeddedLogOptions Options => _options;

    public EmbeddedLogStats Stats { get; } = new();

    public IReadOnlyCollection<string> Topics => [.. _topics.Keys.Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> Groups => _groups.Names;

    /// <summary>Opens (creating when missing) the log in <see cref="EmbeddedLogOptions.Directory"/>, recovering every
    /// partition: a torn or corrupt tail of an active segment is cut off before anything is served.</summary>
    public static async ValueTask<EmbeddedEventLog> OpenAsync(EmbeddedLogOptions options, TimeProvider? time = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Directory.CreateDirectory(Path.Combine(options.Directory, "topics"));
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(options.Directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The log directory '{options.Directory}' is in use by another process.", ex);
        }

        var log = new EmbeddedEventLog(options, time ?? TimeProvider.System, lockFile);
        return await EventLogOpening.CheckOrDisposeAsync(log, l => l.LoadTopics(ct), ct).ConfigureAwait(false);
    }

    public async ValueTask EnsureTopicAsync(string topic, int partitions, CancellationToken ct)
    {
        ThrowIfDisposed();
        LogNames.Validate(topic, "topic");
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        await GetOrCreateTopicAsync(topic, partitions, ct).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetEndOffsetsAsync(string topic, CancellationToken ct)
    {
        ThrowIfDisposed();
        IReadOnlyDictionary<TopicPartition, long> ends = GetTopic(topic).Partitions.ToDictionary(p => p.Id, p => p.EndOffset);
        return ValueTask.FromResult(ends);
    }

    /// <summary>Oldest offset still stored per partition (moves forward as retention deletes segments).</summary>
    public IReadOnlyDictionary<TopicPartition, long> GetStartOffsets(string topic) =>
        GetTopic(topic).Partitions.ToDictionary(p => p.Id, p => p.StartOffset);

    public ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(string topic, CancellationToken ct)
    {
        ThrowIfDisposed();
        return ValueTask.FromResult(GetStartOffsets(topic));
    }

    /// <summary>The segments of a partition, oldest first (for stats, lag and retention views).</summary>
    public IReadOnlyList<LogSegmentInfo> GetSegments(TopicPartition partition)
    {
        var topic = GetTopic(partition.Topic);
        if (partition.Partition < 0 || partition.Partition >= topic.Partitions.Length)
        {
            throw new KeyNotFoundException($"Partition {partition} does not exist.");
        }

        return [.. topic.Partitions[partition.Partition].Segments.Select(s => new LogSegmentInfo(
            s.BaseOffset, s.NextOffset, s.VisibleLength,
            s.IsEmpty ? null : DateTimeOffset.FromUnixTimeMilliseconds(s.MaxTimestampMs)))];
    }

    public ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetGroupOffsetsAsync(string group, string topic, CancellationToken ct)
    {
        ThrowIfDisposed();
        return ValueTask.FromResult(_groups.Processed(group, topic, GetTopic(topic).Partitions.Length));
    }

    /// <summary>Forgets a consumer group so it no longer holds back retention.</summary>
    public ValueTask<bool> DeleteGroupAsync(string group, CancellationToken ct) => _groups.DeleteAsync(group, ct);

    public ILogConsumer OpenConsumer(string group, IReadOnlyCollection<string> topics)
    {
        ThrowIfDisposed();
        LogNames.Validate(group, "group");
        ArgumentNullException.ThrowIfNull(topics);
        foreach (var topic in topics)
        {
            LogNames.Validate(topic, "topic");
        }

        // Registering before the first fetch protects everything from offset 0 against retention at once.
        _groups.RegisterAsync(group, topics, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return new EmbeddedLogConsumer(this, group, [.. topics.Distinct(StringComparer.Ordinal)]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_retentionTimer is not null)
        {
            await _retentionTimer.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var topic in _topics.Values)
        {
            foreach (var partition in topic.Partitions)
            {
                await partition.CloseAsync().ConfigureAwait(false);
            }
        }

        _committed.TrySetResult();
        await _groups.CloseAsync().ConfigureAwait(false);
        await _lock.DisposeAsync().ConfigureAwait(false);
    }

    internal EmbeddedTopic? FindTopic(string topic) => _topics.GetValueOrDefault(topic);

    internal ValueTask ReportProcessedAsync(string group, IReadOnlyDictionary<TopicPartition, long> next, CancellationToken ct)
    {
        ThrowIfDisposed();
        foreach (var (partition, offset) in next)
        {
            var end = GetTopic(partition.Topic).Partitions.ElementAtOrDefault(partition.Partition)?.EndOffset
                      ?? throw new ArgumentException($"Partition {partition} does not exist.", nameof(next));
            if (offset < 0 || offset > end)
            {
                throw new ArgumentOutOfRangeException(nameof(next), offset, $"Processed offset for {partition} must be between 0 and the end offset {end}.");
            }
        }

        return _groups.ReportAsync(group, next, ct);
    }

    /// <summary>A task completed at the next commit on any partition; consumers wait on it instead of polling.</summary>
    internal Task NextCommit => Volatile.Read(ref _committed).Task;

    internal TimeProvider Time => _time;

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private void OnCommitted() => Interlocked.Exchange(ref _committed, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EmbeddedTopic GetTopic(string topic) =>
        _topics.GetValueOrDefault(topic) ?? throw new KeyNotFoundException($"Topic '{topic}' does not exist in {Describe}.");

    private string TopicDirectory(string topic) => Path.Combine(_options.Directory, "topics", topic);

    private void LoadTopics(CancellationToken ct)
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.Combine(_options.Directory, "topics")))
        {
            var name = Path.GetFileName(directory);
            if (EmbeddedTopic.ReadPartitionCount(directory) is { } partitions)
            {
                _topics[name] = OpenTopic(name, partitions, ct);
            }
        }
    }

    private EmbeddedTopic OpenTopic(string name, int partitions, CancellationToken ct)
    {
        var directory = TopicDirectory(name);
        var opened = new List<Partition>();
        EmbeddedTopic? topic = null;
        try
        {
            for (var p = 0; p < partitions; p++)
            {
                var index = p;
                opened.Add(Partition.Open(new TopicPartition(name, p), Path.Combine(directory, p.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    _options, _policy, _time, Stats, () =>
                    {
                        OnCommitted();
                        topic?.Committed(index);
                    }, ct));
            }
        }
        catch
        {
            foreach (var partition in opened)
            {
                partition.CloseAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        topic = new EmbeddedTopic(name, [.. opened]);
        return topic;
    }

    private async ValueTask<EmbeddedTopic> GetOrCreateTopicAsync(string topic, int partitions, CancellationToken ct)
    {
        if (_topics.TryGetValue(topic, out var existing))
        {
            return existing;
        }

        await _topicCreation.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_topics.TryGetValue(topic, out existing))
            {
                return existing;
            }

            var directory = TopicDirectory(topic);
            Directory.CreateDirectory(directory);
            DurableFiles.SyncDirectory(Path.GetDirectoryName(directory)!);
            var created = OpenTopic(topic, partitions, ct);
            EmbeddedTopic.WriteMetadata(directory, partitions);
            _topics[topic] = created;
            return created;
        }
        finally
        {
            _topicCreation.Release();
        }
    }
}
