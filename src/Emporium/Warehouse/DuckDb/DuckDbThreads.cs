using DuckDB.NET.Data;

namespace Emporium.Warehouse.DuckDb;

/// <summary>Sets DuckDB's thread count (a setting of the whole database instance) by the work in flight: a bulk load
/// or a query gets the full count for as long as any runs and for <c>linger</c> after; otherwise, when only the
/// stream processor's small commits run, the database keeps the commit count. DuckDB wakes its worker threads for
/// every statement even when a statement has one task to run, and on two cores those wake-ups cost a third of the
/// processor's CPU per commit (measured: 2.8 against 4.2–4.7 s of CPU per 10 s of a 4 000 orders/s stream). The linger
/// keeps a client polling a mart from resizing DuckDB's thread pool on every request.</summary>
internal sealed class DuckDbThreads : IDisposable
{
    private readonly DuckDBConnection _control;
    private readonly int _full;
    private readonly int _commit;
    private readonly TimeSpan _linger;
    private readonly ITimer? _timer;
    private readonly Lock _lock = new();
    private int _active;
    private bool _raised;
    private bool _disposed;

    /// <param name="connectionString">The warehouse's: the setting applies to the instance every connection shares.</param>
    /// <param name="full">Threads while a load or query runs; null: DuckDB's default (every core).</param>
    /// <param name="commit">Threads otherwise; null or equal to <paramref name="full"/> leaves the count alone.</param>
    /// <param name="linger">How long the full count outlives the last load or query; zero drops it at once.</param>
    public DuckDbThreads(string connectionString, int? full, int? commit, TimeSpan linger = default, TimeProvider? time = null)
    {
        _control = new DuckDBConnection(connectionString);
        _control.Open();
        _full = full ?? Environment.ProcessorCount;
        _commit = commit ?? _full;
        _linger = linger;
        if (_linger > TimeSpan.Zero && _commit != _full)
        {
            _timer = (time ?? TimeProvider.System).CreateTimer(_ => Lower(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        Set(_commit);
    }

    /// <summary>Full parallelism until the returned scope is disposed.</summary>
    public Scope Enter()
    {
        lock (_lock)
        {
            _active++;
            if (!_raised && _commit != _full && !_disposed)
            {
                Set(_full);
                _raised = true;
            }
        }
        return new Scope(this);
    }

    private void Exit()
    {
        lock (_lock)
        {
            // Disposed (the warehouse closed under a query still reading on its own connection): there is no count
            // left to lower, and an error here would replace the query's own outcome.
            if (--_active > 0 || !_raised || _disposed)
            {
                return;
            }
            if (_timer is null)
            {
                Set(_commit);
                _raised = false;
            }
            else
            {
                _timer.Change(_linger, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Lower()
    {
        lock (_lock)
        {
            if (_active == 0 && _raised && !_disposed)
            {
                try
                {
                    Set(_commit);
                    _raised = false;
                }
                catch (DuckDBException)
                {
                    // DuckDB refused: stay at the full count, which is only slower.
                }
            }
        }
    }

    private void Set(int threads)
    {
        using var cmd = _control.CreateCommand();
        cmd.CommandText = $"SET GLOBAL threads = {threads}";
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _timer?.Dispose();
            _control.Dispose();
        }
    }

    /// <summary>Full parallelism until disposed; the default value holds none.</summary>
    public readonly struct Scope(DuckDbThreads owner) : IDisposable
    {
        public void Dispose() => owner?.Exit();
    }
}
