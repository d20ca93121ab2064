using Emporium.Datasets;
using Emporium.Log.Embedded;
using Emporium.Log.Kafka;

namespace Emporium.Log;

/// <summary>What a log holds, as <c>emporium log stats</c> and <c>GET /api/v1/log</c> show it: per topic, each
/// partition's offsets (and bytes and segments on the embedded log) and each consumer group's lag.</summary>
/// <param name="Log">The log's address (<see cref="IEventLog.Describe"/>).</param>
/// <param name="Topics">Topics in name order.</param>
/// <param name="Bytes">Bytes of all segments (embedded log only).</param>
/// <param name="TruncatedOnOpenBytes">Torn or corrupt tail cut when the log was opened (embedded log only).</param>
public sealed record LogReport(string Log, IReadOnlyList<LogTopicReport> Topics, long? Bytes = null, long? TruncatedOnOpenBytes = null)
{
    /// <summary>Reads the report. The embedded log lists its own topics and registered groups; Kafka keeps no topic list
    /// Emporium owns (and other topics on the cluster are not its business), so there the dataset topics are shown, with
    /// <paramref name="kafkaGroups"/>.</summary>
    public static async Task<LogReport> ReadAsync(IEventLog log, IReadOnlyCollection<string> kafkaGroups, CancellationToken ct)
    {
        switch (log)
        {
            case EmbeddedEventLog embedded:
            {
                var topics = new List<LogTopicReport>();
                foreach (var topic in embedded.Topics)
                {
                    var ends = await embedded.GetEndOffsetsAsync(topic, ct).ConfigureAwait(false);
                    var starts = embedded.GetStartOffsets(topic);
                    var partitions = ends.OrderBy(e => e.Key.Partition).Select(e =>
                    {
                        var segments = embedded.GetSegments(e.Key);
                        return new LogPartitionReport(e.Key.Partition, starts[e.Key], e.Value, segments.Sum(s => s.Bytes), segments.Count);
                    }).ToList();
                    topics.Add(new LogTopicReport(topic, partitions, await LagAsync(log, embedded.Groups, topic, ends, ct).ConfigureAwait(false)));
                }
                return new LogReport(log.Describe, topics, embedded.Stats.LogBytes, embedded.Stats.TruncatedBytes);
            }
            case KafkaEventLog kafka:
            {
                var topics = new List<LogTopicReport>();
                foreach (var topic in DatasetCatalog.Streamed.Select(d => d.Name))
                {
                    IReadOnlyDictionary<TopicPartition, long> ends, starts;
                    try
                    {
                        ends = await kafka.GetEndOffsetsAsync(topic, ct).ConfigureAwait(false);
                        starts = await kafka.GetStartOffsetsAsync(topic, ct).ConfigureAwait(false);
                    }
                    catch (KeyNotFoundException)
                    {
                        // Topics are created when ingest or the processor first needs them.
                        topics.Add(new LogTopicReport(topic, [], [], Created: false));
                        continue;
                    }
                    var partitions = ends.OrderBy(e => e.Key.Partition).Select(e => new LogPartitionReport(e.Key.Partition, starts.GetValueOrDefault(e.Key), e.Value)).ToList();
                    topics.Add(new LogTopicReport(topic, partitions, await LagAsync(log, kafkaGroups, topic, ends, ct).ConfigureAwait(false)));
                }
                return new LogReport(log.Describe, topics);
            }
            default:
                throw new NotSupportedException($"{log.GetType().Name} does not report its topics.");
        }
    }

    private static async Task<IReadOnlyList<LogGroupLag>> LagAsync(IEventLog log, IEnumerable<string> groups, string topic, IReadOnlyDictionary<TopicPartition, long> ends, CancellationToken ct)
    {
        var lags = new List<LogGroupLag>();
        foreach (var group in groups)
        {
            var processed = await log.GetGroupOffsetsAsync(group, topic, ct).ConfigureAwait(false);
            lags.Add(new LogGroupLag(group, ends.Sum(e => e.Value - processed.GetValueOrDefault(e.Key))));
        }
        return lags;
    }
}

/// <summary>One topic: its partitions and each group's lag; <paramref name="Created"/> is false for a dataset topic
/// Kafka does not have yet.</summary>
public sealed record LogTopicReport(string Topic, IReadOnlyList<LogPartitionReport> Partitions, IReadOnlyList<LogGroupLag> Groups, bool Created = true);

/// <summary>A partition's oldest stored offset, end offset, and (embedded log) bytes and segments.</summary>
public sealed record LogPartitionReport(int Partition, long Start, long End, long? Bytes = null, int? Segments = null);

/// <summary>Entries of a topic a consumer group has not processed yet.</summary>
public sealed record LogGroupLag(string Group, long Lag);
