using System.Text;
using Emporium.Log;

namespace Emporium.Tests.Processing;

/// <summary>A small, real in-memory <see cref="IEventLog"/> (keyed partitioning, end offsets, consumers that wake
/// on append) used as a test double until tests run against the embedded log.</summary>
public sealed class InMemoryEventLog(TimeProvider? time = null) : IEventLog
{
    private readonly Dictionary<string, List<LogEntry>[]> _topics = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _roundRobin;

    public string Describe => "memory:";

    public Dictionary<(string Group, TopicPartition Partition), long> Reported { get; } = [];

    public ValueTask EnsureTopicAsync(string topic, int partitions, CancellationToken ct)
    {
        lock (_gate)
        {
            if (!_topics.ContainsKey(topic))
            {
                _topics[topic] = Enumerable.Range(0, partitions).Select(_ => new List<LogEntry>()).ToArray();
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<LogPosition>> AppendAsync(string topic, IReadOnlyList<LogMessage> messages, CancellationToken ct)
    {
        var positions = new List<LogPosition>();
        TaskCompletionSource signal;
        lock (_gate)
        {
            var partitions = _topics[topic];
            foreach (var message in messages)
            {
                var p = message.Key is null
                    ? _roundRobin++ % partitions.Length
                    : (int)(StableHash(message.Key) % (uint)partitions.Length);
                var tp = new TopicPartition(topic, p);
                var offset = partitions[p].Count;
                partitions[p].Add(new LogEntry(tp, offset, message.Key, message.Value.ToArray(), _time.GetUtcNow()));
                positions.Add(new LogPosition(tp, offset));
            }
            signal = _appended;
            _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
        return ValueTask.FromResult<IReadOnlyList<LogPosition>>(positions);
    }

    public ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetEndOffsetsAsync(string topic, CancellationToken ct)
    {
        lock (_gate)
        {
            IReadOnlyDictionary<TopicPartition, long> ends = _topics.TryGetValue(topic, out var partitions)
                ? partitions.Select((list, i) => (new TopicPartition(topic, i), (long)list.Count)).ToDictionary(x => x.Item1, x => x.Item2)
                : new Dictionary<TopicPartition, long>();
            return ValueTask.FromResult(ends);
        }
    }

    public ILogConsumer OpenConsumer(string group, IReadOnlyCollection<string> topics) => new Consumer(this, group, topics);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static uint StableHash(string key)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return hash;
    }

    private sealed class Consumer(InMemoryEventLog log, string group, IReadOnlyCollection<string> topics) : ILogConsumer
    {
        public IReadOnlyCollection<TopicPartition> Assignment
        {
            get
            {
                lock (log._gate)
                {
                    return topics.Where(log._topics.ContainsKey)
                        .SelectMany(t => Enumerable.Range(0, log._topics[t].Length).Select(p => new TopicPartition(t, p)))
                        .ToList();
                }
            }
        }

        public async ValueTask<IReadOnlyList<LogEntry>> FetchAsync(IReadOnlyDictionary<TopicPartition, long> positions, int maxRecords, TimeSpan maxWait, CancellationToken ct)
        {
            var deadline = log._time.GetUtcNow() + maxWait;
            while (true)
            {
                Task signal;
                var result = new List<LogEntry>();
                lock (log._gate)
                {
                    foreach (var tp in Assignment)
                    {
                        var list = log._topics[tp.Topic][tp.Partition];
                        for (var o = (int)positions.GetValueOrDefault(tp, 0); o < list.Count && result.Count < maxRecords; o++)
                        {
                            result.Add(list[o]);
                        }
                    }
                    signal = log._appended.Task;
                }
                var left = deadline - log._time.GetUtcNow();
                if (result.Count > 0 || left <= TimeSpan.Zero)
                {
                    return result;
                }
                await Task.WhenAny(signal, Task.Delay(left, ct)).ConfigureAwait(false);
                ct.ThrowIfCancellationRequested();
            }
        }

        public ValueTask ReportProcessedAsync(IReadOnlyDictionary<TopicPartition, long> next, CancellationToken ct)
        {
            lock (log._gate)
            {
                foreach (var (tp, offset) in next)
                {
                    log.Reported[(group, tp)] = offset;
                }
            }
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
