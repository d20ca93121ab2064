using Emporium.Log;
using Emporium.Log.Embedded;

namespace Emporium.Bench.Log;

/// <summary>The embedded segment log with its default group commit.</summary>
internal sealed class SegmentLogAppender : IDurableAppender
{
    private readonly EmbeddedEventLog _log;

    private SegmentLogAppender(EmbeddedEventLog log, int partitions)
    {
        _log = log;
        Name = $"segment log ({partitions} partition{(partitions == 1 ? "" : "s")})";
    }

    public string Name { get; }

    public long? Syncs => _log.Stats.Fsyncs;

    public static async Task<SegmentLogAppender> OpenAsync(string directory, int partitions, CancellationToken ct)
    {
        var log = await EmbeddedEventLog.OpenAsync(new EmbeddedLogOptions
        {
            Directory = directory,
            Retention = new LogRetentionOptions { CheckInterval = null },
        }, ct: ct);
        await log.EnsureTopicAsync("bench", partitions, ct);
        return new SegmentLogAppender(log, partitions);
    }

    public async ValueTask AppendAsync(IReadOnlyList<LogMessage> batch, CancellationToken ct) =>
        await _log.AppendAsync("bench", batch, ct);

    public ValueTask DisposeAsync() => _log.DisposeAsync();
}
