using System.Text;
using Emporium.Log;
using FASTER.core;

namespace Emporium.Bench.Log;

/// <summary>Microsoft.FASTER.Core's FasterLog with per-entry checksums and auto-commit: an append completes when
/// FasterLog reports the entries committed (its local device writes with write-through, and the commit record is
/// persisted), the same "acknowledged means on disk" contract as the segment log. Key and value are packed into the
/// entry, since FasterLog has no notion of either.</summary>
internal sealed class FasterLogAppender : IDurableAppender
{
    private readonly FasterLogSettings _settings;
    private readonly FasterLog _log;

    private FasterLogAppender(string directory)
    {
        _settings = new FasterLogSettings(directory)
        {
            AutoCommit = true,
            LogChecksum = LogChecksumType.PerEntry,
        };
        _log = new FasterLog(_settings);
    }

    public string Name => "FasterLog (auto-commit)";

    public long? Syncs => null;

    public static Task<FasterLogAppender> OpenAsync(string directory) => Task.FromResult(new FasterLogAppender(directory));

    public async ValueTask AppendAsync(IReadOnlyList<LogMessage> batch, CancellationToken ct)
    {
        if (batch.Count == 1)
        {
            await _log.EnqueueAndWaitForCommitAsync(Pack(batch[0]), ct);
            return;
        }

        await _log.EnqueueAndWaitForCommitAsync(new Batch(batch), ct);
    }

    public ValueTask DisposeAsync()
    {
        _log.Dispose();
        _settings.Dispose();
        return ValueTask.CompletedTask;
    }

    private static byte[] Pack(LogMessage message)
    {
        var key = Encoding.UTF8.GetBytes(message.Key ?? "");
        var entry = new byte[4 + key.Length + message.Value.Length];
        BitConverter.TryWriteBytes(entry, key.Length);
        key.CopyTo(entry, 4);
        message.Value.Span.CopyTo(entry.AsSpan(4 + key.Length));
        return entry;
    }

    private sealed class Batch(IReadOnlyList<LogMessage> messages) : IReadOnlySpanBatch
    {
        private readonly byte[][] _entries = [.. messages.Select(Pack)];

        public int TotalEntries() => _entries.Length;

        public ReadOnlySpan<byte> Get(int index) => _entries[index];
    }
}
