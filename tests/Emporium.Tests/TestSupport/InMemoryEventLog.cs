using System.Collections.Concurrent;
using Emporium.Log;

namespace Emporium.Tests.TestSupport;

/// <summary>A test double of the log that keeps appended messages in memory, so HTTP tests can assert exactly what
/// was appended (and that nothing was, for refused requests). One partition per topic; consumers read without waiting
/// and report nothing (enough for the idempotency store's start-up scan, not for the stream processor).</summary>
public sealed class InMemoryEventLog : IEventLog
{
    private readonly ConcurrentDictionary<string, List<LogMessage>> _topics = new();

    public string Describe => "memory";

    public int Appends;

    /// <summary>When set, AppendAsync throws what this returns (e.g. a disk-full IOException).</summary>
    public Func<Exception>? FailAppends { get; set; }

    /// <summary>When set, an append keeps this many of its messages and then fails with a
    /// <see cref="PartialAppendException"/> naming them (a partition that failed after others committed).</summary>
    public int? KeepThenFail { get; set; }

    /// <summary>Most bytes of key and value a message may have; a longer one fails the append as the real logs fail it.</summary>
    public int MaxRecordBytes { get; set; } = int.MaxValue;

    /// <summary>When true the log reports group offsets as "nothing processed" (so lag = end offsets).</summary>
    public bool NothingProcessed { get; set; }

    public IReadOnlyList<LogMessage> Messages(string topic)
    {
        if (!_topics.TryGetValue(topic, out var list))
        {
            return [];
        }
        lock (list)
        {
            return list.ToList();
        }
    }

    public ValueTask EnsureTopicAsync(string topic, int partitions, CancellationToken ct)
    {
        _topics.GetOrAdd(topic, _ => []);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<LogPosition>> AppendAsync(string topic, IReadOnlyList<LogMessage> messages, CancellationToken ct)
    {
        if (FailAppends is { } fail)
        {
            throw fail();
        }
        for (var i = 0; i < messages.Count; i++)
        {
            if ((messages[i].Key?.Length ?? 0) + messages[i].Value.Length > MaxRecordBytes)
            {
                throw new ArgumentException($"Message {i} for topic '{topic}' is over the limit of {MaxRecordBytes} bytes.", nameof(messages));
            }
        }
        var list = _topics.GetOrAdd(topic, _ => []);
        Interlocked.Increment(ref Appends);
        if (KeepThenFail is { } keep && keep < messages.Count)
        {
            lock (list)
            {
                list.AddRange(messages.Take(keep));
            }
            throw new PartialAppendException($"{keep} of {messages.Count} kept", [.. Enumerable.Range(0, keep)], new LogUnavailableException("a partition failed"));
        }
        lock (list)
        {
            var positions = new List<LogPosition>();
            foreach (var m in messages)
            {
                positions.Add(new LogPosition(new TopicPartition(topic, 0), list.Count));
                list.Add(m);
            }
            return ValueTask.FromResult<IReadOnlyList<LogPosition>>(positions);
        }
    }

    public ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetEndOffsetsAsync(string topic, CancellationToken ct)
    {
        var list = _topics.GetOrAdd(topic, _ => []);
        lock (list)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<TopicPartition, long>>(new Dictionary<TopicPartition, long> { [new TopicPartition(topic, 0)] = list.Count });
        }
    }

    public ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetGroupOffsetsAsync(string group, string topic, CancellationToken ct) =>
        NothingProcessed
            ? ValueTask.FromResult<IReadOnlyDictionary<TopicPartition, long>>(new Dictionary<TopicPartition, long> { [new TopicPartition(topic, 0)] = 0 })
            : throw new NotSupportedException();

    public ILogConsumer OpenConsumer(string group, IReadOnlyCollection<string> topics) => new Consumer(this, topics);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Consumer(InMemoryEventLog log, IReadOnlyCollection<string> topics) : ILogConsumer
    {
        public IReadOnlyCollection<TopicPartition> Assignment => topics.Select(t => new TopicPartition(t, 0)).ToList();

        public ValueTask<IReadOnlyList<LogEntry>> FetchAsync(IReadOnlyDictionary<TopicPartition, long> positions, int maxRecords, TimeSpan maxWait, CancellationToken ct)
        {
            var entries = new List<LogEntry>();
            foreach (var tp in Assignment)
            {
                var messages = log.Messages(tp.Topic);
                for (var offset = positions.GetValueOrDefault(tp); offset < messages.Count && entries.Count < maxRecords; offset++)
                {
                    var m = messages[(int)offset];
                    entries.Add(new LogEntry(tp, offset, m.Key, m.Value, DateTimeOffset.UtcNow));
                }
            }
            return ValueTask.FromResult<IReadOnlyList<LogEntry>>(entries);
        }

        public ValueTask ReportProcessedAsync(IReadOnlyDictionary<TopicPartition, long> next, CancellationToken ct) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
