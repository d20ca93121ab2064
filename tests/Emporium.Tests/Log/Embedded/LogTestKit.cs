using System.Text;
using Emporium.Log;
using Emporium.Log.Embedded;

namespace Emporium.Tests.Log.Embedded;

/// <summary>Shared helpers for the embedded log tests.</summary>
internal static class LogTestKit
{
    public static EmbeddedLogOptions Options(string directory) => new()
    {
        Directory = directory,
        Retention = new LogRetentionOptions { CheckInterval = null },
    };

    public static LogMessage Message(string? key, string value) => new(key, Encoding.UTF8.GetBytes(value));

    public static string Text(LogEntry entry) => Encoding.UTF8.GetString(entry.Value.Span);

    /// <summary>Reads every entry of the given topics from offset 0 (or the given positions) until nothing is left.</summary>
    public static async Task<List<LogEntry>> ReadAllAsync(IEventLog log, string topic, IReadOnlyDictionary<TopicPartition, long>? from = null, string group = "reader")
    {
        await using var consumer = log.OpenConsumer(group, [topic]);
        var positions = new Dictionary<TopicPartition, long>(from ?? new Dictionary<TopicPartition, long>());
        var all = new List<LogEntry>();
        while (true)
        {
            var batch = await consumer.FetchAsync(positions, 1000, TimeSpan.Zero, CancellationToken.None);
            if (batch.Count == 0)
            {
                return all;
            }

            foreach (var entry in batch)
            {
                positions[entry.Position] = entry.Offset + 1;
                all.Add(entry);
            }
        }
    }

    /// <summary>Bytes of records in a segment file: its length less the zeros the writer pads the active segment with
    /// (the test records end in text, never in a zero byte).</summary>
    public static long RecordBytes(string segmentFile)
    {
        var bytes = File.ReadAllBytes(segmentFile);
        var end = bytes.AsSpan().LastIndexOfAnyExcept((byte)0) + 1;
        return end;
    }

    public static string[] SegmentFiles(string logDirectory, string topic, int partition) =>
        [.. Directory.GetFiles(Path.Combine(logDirectory, "topics", topic, partition.ToString(System.Globalization.CultureInfo.InvariantCulture)), "*.seg").Order(StringComparer.Ordinal)];
}
