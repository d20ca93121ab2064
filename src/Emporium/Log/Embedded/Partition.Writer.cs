using System.Diagnostics;

namespace Emporium.Log.Embedded;

/// <summary>Group commit: one dedicated writer thread per partition drains every queued append, writes them in one
/// go and fsyncs once; appends that arrive during an fsync form the next batch. fsync blocks its thread for
/// milliseconds, which is why this is a thread and not thread-pool work.</summary>
internal sealed partial class Partition
{
    /// <summary>Data written but not yet fsync'd is pushed to the file beyond this many buffered bytes.</summary>
    private const int WriteChunkBytes = 1 << 20;

    private readonly LogCommitPolicy _policy;
    private readonly TimeProvider _time;
    private readonly AppendQueue _queue = new();
    private readonly TaskCompletionSource _writerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _buffer = new byte[64 * 1024];
    private int _buffered;
    private Exception? _fault;

    /// <summary>Test seam: an exception returned here fails the next commit as a failed write would, before anything of
    /// the batch is written.</summary>
    internal Func<Exception?>? CommitFault { get; set; }

    /// <summary>Test seam: an exception returned here fails the growth of the active segment's file that follows a
    /// write of records, as a full disk does: the records reached the file, the append fails.</summary>
    internal Func<Exception?>? GrowFault { get; set; }

    public void Enqueue(AppendRequest request)
    {
        if (!_queue.TryEnqueue(request))
        {
            throw new ObjectDisposedException(nameof(EmbeddedEventLog), $"The log is closed; partition {Id} accepts no more appends.");
        }
    }

    /// <summary>Stops accepting appends and waits until everything queued is committed.</summary>
    public async ValueTask CloseAsync()
    {
        _queue.Complete();
        await _writerDone.Task.ConfigureAwait(false);
        foreach (var segment in Segments)
        {
            segment.Dispose();
        }
    }

    private void StartWriter()
    {
        var thread = new Thread(WriterLoop) { IsBackground = true, Name = $"log-writer {Id}" };
        thread.Start();
    }

    private void WriterLoop()
    {
        var batch = new List<AppendRequest>();
        try
        {
            while (_queue.WaitForAny())
            {
                batch.Clear();
                Gather(batch);
                if (_fault is { } fault && !TryDiscardUnsynced())
                {
                    Fail(batch, new IOException($"Partition {Id} cannot take appends since a write failed and its segment could not be cut back to its last fsync'd record.", fault));
                    continue;
                }

                var firstOffsets = new long[batch.Count];
                var durable = 0;
                try
                {
                    if (CommitFault?.Invoke() is { } injected)
                    {
                        throw injected;
                    }
                    Commit(batch, firstOffsets, ref durable);
                    for (var i = 0; i < batch.Count; i++)
                    {
                        batch[i].Completion.TrySetResult(firstOffsets[i]);
                    }
                }
                catch (Exception ex)
                {
                    _fault = ex;
                    Settle(batch, firstOffsets, durable, ex);
                    TryDiscardUnsynced();
                }
            }
        }
        finally
        {
            _writerDone.TrySetResult();
        }
    }

    /// <summary>Cuts the active segment back to its last fsync'd record after a failed write or fsync. The bytes past it
    /// belong to appends that were refused, and their state is unknown (written in part on a full disk, or dropped by
    /// the kernel after a failed fsync): left there, the scan at the next open would find whole records among them and
    /// serve appends whose callers were told they failed. Once cut, the file is in a known state again, so the
    /// partition goes on with the next append (a full disk that has room again needs no restart). When the cut fails
    /// too, the partition refuses appends and tries again before the next batch.</summary>
    private bool TryDiscardUnsynced()
    {
        var segment = Segments[^1];
        try
        {
            RandomAccess.SetLength(segment.Handle, segment.VisibleLength);
            RandomAccess.FlushToDisk(segment.Handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        segment.DiscardUnpublished();
        _buffered = 0;
        _fault = null;
        return true;
    }

    /// <summary>Completes the requests of a batch whose commit failed after its first <paramref name="durable"/>
    /// messages were fsync'd (a segment sealed on the way): those requests succeed, one cut across is a partial
    /// append naming its durable messages, the rest fail.</summary>
    private static void Settle(List<AppendRequest> batch, long[] firstOffsets, int durable, Exception ex)
    {
        var start = 0;
        for (var r = 0; r < batch.Count; r++)
        {
            var request = batch[r];
            var count = request.Messages.Count;
            var done = Math.Clamp(durable - start, 0, count);
            if (done == count)
            {
                request.Completion.TrySetResult(firstOffsets[r]);
            }
            else if (done > 0)
            {
                request.Completion.TrySetException(new PartialAppendException(
                    $"{done} of {count} message(s) were appended before a write failed: {ex.Message}", [.. Enumerable.Range(0, done)], ex));
            }
            else
            {
                request.Completion.TrySetException(new IOException("Append failed; the records are not acknowledged.", ex));
            }

            start += count;
        }
    }

    private static void Fail(List<AppendRequest> batch, Exception ex)
    {
        foreach (var request in batch)
        {
            request.Completion.TrySetException(new IOException("Append failed; the records are not acknowledged.", ex));
        }
    }

    private void Gather(List<AppendRequest> batch)
    {
        long bytes = 0;
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            bytes = _queue.Drain(batch, bytes, _policy.MaxBatchBytes);
            if (bytes >= _policy.MaxBatchBytes)
            {
                return;
            }

            // Linger shapes latency only, so it uses the real clock rather than the injected TimeProvider.
            var linger = _policy.Linger(batch.Count, bytes, Stopwatch.GetElapsedTime(started));
            if (linger <= TimeSpan.Zero || !_queue.WaitForMore(linger))
            {
                return;
            }
        }
    }

    /// <summary>Frames, writes and fsyncs a batch, rolling segments as they fill; fills in each request's first offset
    /// and keeps <paramref name="durable"/> at the number of the batch's messages fsync'd so far.</summary>
    private void Commit(List<AppendRequest> batch, long[] firstOffsets, ref int durable)
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var segment = Segments[^1];
        var records = 0;
        for (var r = 0; r < batch.Count; r++)
        {
            firstOffsets[r] = segment.WrittenNextOffset;
            foreach (var message in batch[r].Messages)
            {
                var keyBytes = RecordFrame.KeyByteCount(message.Key);
                var frameBytes = RecordFrame.FrameBytes(keyBytes, message.Value.Length);
                var segmentHasData = segment.WrittenLength + _buffered > 0;
                if (segmentHasData && segment.WrittenLength + _buffered + frameBytes > _options.SegmentBytes)
                {
                    Sync(segment);
                    durable = records;
                    segment = Roll(segment);
                }
                else if (_buffered + frameBytes > WriteChunkBytes && _buffered > 0)
                {
                    WriteBuffered(segment);
                }

                EnsureBuffer(frameBytes);
                var offset = segment.WrittenNextOffset;
                RecordFrame.Write(_buffer.AsSpan(_buffered, frameBytes), offset, timestamp, message.Key, keyBytes, message.Value.Span);
                segment.Track(offset, segment.WrittenLength + _buffered, _options.IndexIntervalBytes);
                _buffered += frameBytes;
                segment.WrittenNextOffset = offset + 1;
                segment.WrittenMaxTimestampMs = Math.Max(segment.WrittenMaxTimestampMs, timestamp);
                records++;
            }
        }

        Sync(segment);
        durable = records;
        _stats.AddCommitBatch();
        _stats.AddCommit(records);
        for (var i = 0; i < batch.Count; i++)
        {
            _stats.AddAppendCall();
        }

        if (_buffer.Length > 4 * WriteChunkBytes)
        {
            _buffer = new byte[64 * 1024];
        }
    }

    private void EnsureBuffer(int frameBytes)
    {
        if (_buffered + frameBytes <= _buffer.Length)
        {
            return;
        }

        var bigger = new byte[Math.Max(_buffer.Length * 2, _buffered + frameBytes)];
        _buffer.AsSpan(0, _buffered).CopyTo(bigger);
        _buffer = bigger;
    }

    private void WriteBuffered(Segment segment)
    {
        if (_buffered == 0)
        {
            return;
        }

        RandomAccess.Write(segment.Handle, _buffer.AsSpan(0, _buffered), segment.WrittenLength);
        segment.WrittenLength += _buffered;
        if (segment.WrittenLength > segment.PaddedLength)
        {
            Pad(segment);
        }

        _stats.AddBytes(_buffered);
        _buffered = 0;
    }

    /// <summary>Zeros the file ahead of its data (see <see cref="EmbeddedLogOptions.PreallocateBytes"/>), up to the
    /// segment's size: the fsync that follows commits the new size once for the many appends that overwrite them.</summary>
    private void Pad(Segment segment)
    {
        if (GrowFault?.Invoke() is { } fault)
        {
            throw fault;
        }

        var end = Math.Min(segment.WrittenLength + _options.PreallocateBytes, Math.Max(_options.SegmentBytes, segment.WrittenLength));
        for (var at = segment.WrittenLength; at < end;)
        {
            var length = (int)Math.Min(Zeros.Length, end - at);
            RandomAccess.Write(segment.Handle, Zeros.AsSpan(0, length), at);
            at += length;
        }

        segment.PaddedLength = Math.Max(end, segment.WrittenLength);
    }

    private static readonly byte[] Zeros = new byte[256 * 1024];

    /// <summary>Writes what is buffered, fsyncs, and only then makes it visible to readers and wakes them.</summary>
    private void Sync(Segment segment)
    {
        WriteBuffered(segment);
        RandomAccess.FlushToDisk(segment.Handle);
        _stats.AddFsync();
        segment.Publish();
        Volatile.Write(ref _endOffset, segment.WrittenNextOffset);
        _onCommitted();
    }

    /// <summary>Seals the full segment (its index is persisted so reopening skips the scan) and starts the next one.</summary>
    private Segment Roll(Segment full)
    {
        // A sealed segment holds its records only: its padding goes before a newer segment exists, so a zero tail is
        // never a sealed segment's (where it would be damage, not free space).
        if (full.PaddedLength > full.WrittenLength)
        {
            RandomAccess.SetLength(full.Handle, full.WrittenLength);
            RandomAccess.FlushToDisk(full.Handle);
            full.PaddedLength = full.WrittenLength;
        }

        SegmentIndexFile.Write(full);
        var next = Segment.Create(Directory, full.WrittenNextOffset);
        lock (_segmentsLock)
        {
            Volatile.Write(ref _segments, [.. _segments, next]);
        }

        _stats.AddRoll();
        return next;
    }
}
