namespace Emporium.Warehouse.DuckDb;

/// <summary>Calls a checkpoint once the writer has been idle for <c>after</c>: every write re-arms the timer. DuckDB's
/// own checkpoint runs inside the commit that takes the write-ahead log past its threshold and holds the single writer
/// for as long as it folds the log (about 1.5 s for 250 MB of appended orders), which a stream felt as a freshness
/// stall; folded while nothing is written, the log rarely reaches that threshold unless the load never pauses.</summary>
internal sealed class DuckDbIdleCheckpoint : IDisposable
{
    private readonly ITimer _timer;
    private readonly TimeSpan _after;
    private readonly Func<bool> _checkpoint;

    /// <param name="checkpoint">Runs on the timer; false asks to be tried again after another idle spell (a reader's
    /// transaction kept DuckDB from checkpointing).</param>
    public DuckDbIdleCheckpoint(TimeSpan after, TimeProvider time, Func<bool> checkpoint)
    {
        _after = after;
        _checkpoint = checkpoint;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A write ended: the idle spell starts again.</summary>
    public void Touch()
    {
        try
        {
            _timer.Change(_after, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // A write that finished while the warehouse was being disposed: its rows are committed, nothing to fold.
        }
    }

    private void Fire()
    {
        if (!_checkpoint())
        {
            Touch();
        }
    }

    public void Dispose() => _timer.Dispose();
}
