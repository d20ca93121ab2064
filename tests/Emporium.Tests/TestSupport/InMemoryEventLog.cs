using System.Collections.Concurrent;
using Emporium.Log;

namespace Emporium.Tests.TestSupport;

/// <summary>A test double of the log that keeps appended messages in memory, so HTTP tests can assert exactly what
/// was appended (and that nothing was, for refused requests). Consumers are not supported.</summary>
public sealed class InMemoryEventLog : IEventLog
{
    private readonly ConcurrentDictionary<string, List<LogMessage>> _topics = new();

    public string Describe => "memory";

    public int Appends;

    /// <summary>When set, AppendAsync throws what this returns (e.g. a disk-full IOException).</summary>
    public Func<Exception>? FailAppends { get; set; }

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
        var list = _topics.GetOrAdd(topic, _ => []);
        Interlocked.Increment(ref Appends);
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

    public ILogConsumer OpenConsumer(string group, IReadOnlyCollection<string> topics) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
