using System.Text;
using Emporium.Log;
using FASTER.core;

namespace Emporium.Bench.Log;

/// <summary>Microsoft.FASTER.Core's FasterLog with per-entry checksums: an append completes when FasterLog reports the
/// entries committed (its local device writes with write-through, and the commit record is persisted), the same
/// "acknowledged means on disk" contract as the segment log. Two commit modes: FasterLog's own auto-commit, or a
/// dedicated committer thread that commits whenever appends are pending (the segment log's group-commit pattern).
/// Key and value are packed into the entry, since FasterLog has no notion of either.</summary>
internal sealed class FasterLogAppender : IDurableAppender
{
    private readonly FasterLogSettings _settings;
    private readonly FasterLog _log;
    private readonly bool _commitLoop;
    private readonly SemaphoreSlim _pending = new(0);
    private readonly Thread? _committer;
    private volatile bool _stopping;
    private long _commits;

    private FasterLogAppender(string directory, bool commitLoop)
    {
        _commitLoop = commitLoop;
        _settings = new FasterLogSettings(directory)
        {
            AutoCommit = !commitLoop,
            LogChecksum = LogChecksumType.PerEntry,
        };
        _log = new FasterLog(_settings);
        if (commitLoop)
        {
            _committer = new Thread(CommitLoop) { IsBackground = true, Name = "fasterlog-committer" };
            _committer.Start();
        }
    }

    public string Name => _commitLoop ? "FasterLog (commit thread)" : "FasterLog (auto-commit)";

    public long? Syncs => _commitLoop ? Interlocked.Read(ref _commits) : null;

    public static Task<FasterLogAppender> OpenAsync(string directory, bool commitLoop) => Task.FromResult(new FasterLogAppender(directory, commitLoop));

    public async ValueTask AppendAsync(IReadOnlyList<LogMessage> batch, CancellationToken ct)
    {
        if (_commitLoop)
        {
            foreach (var message in batch)
            {
                _log.Enqueue(Pack(message));
            }

            var until = _log.TailAddress;
            _pending.Release();
            await _log.WaitForCommitAsync(until, token: ct);
            return;
        }

        if (batch.Count == 1)
        {
            await _log.EnqueueAndWaitForCommitAsync(Pack(batch[0]), ct);
            return;
        }

        await _log.EnqueueAndWaitForCommitAsync(new Batch(batch), ct);
    }

    public ValueTask DisposeAsync()
    {
        _stopping = true;
        _pending.Release();
        _committer?.Join();
        _log.Dispose();
        _settings.Dispose();
        return ValueTask.CompletedTask;
    }

    private void CommitLoop()
    {
        while (true)
        {
            _pending.Wait();
            while (_pending.Wait(0))
            {
                // Everything queued so far is covered by this one commit.
            }

            if (_stopping)
            {
                return;
            }

            _log.Commit(spinWait: true);
            Interlocked.Increment(ref _commits);
        }
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
