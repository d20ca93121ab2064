using Emporium.Orchestration;
using Npgsql;

namespace Emporium.Warehouse.Postgres;

/// <summary>The scheduler lease as a PostgreSQL session-level advisory lock, held by a connection of its own (not a
/// pooled one: returning it to the pool would keep the lock without an owner). The server releases it when that
/// connection ends, also when the process dies, so a standby takes over within one <see cref="PollInterval"/>.
/// A holder that stops answering without its connection ending (its process frozen, its machine gone) loses the lock
/// after <see cref="LeaseTime"/>: the session's <c>idle_session_timeout</c>, which the holder's checks every
/// <see cref="PollInterval"/> keep from running out while it works.
/// A graceful release unlocks explicitly before closing: closing alone only asks the server to end the session, which
/// it does a moment later, so a standby trying at once could still find the lock held.</summary>
public sealed class PostgresSchedulerLease(string connectionString, TimeProvider time, TimeSpan? pollInterval = null, TimeSpan? leaseTime = null)
    : ISchedulerLease
{
    private const string LockName = "emporium:scheduler";

    /// <summary>How long a graceful release waits for the server to confirm the unlock; past it (the server does not
    /// answer) closing the connection still releases the lock once the server ends the session.</summary>
    private static readonly TimeSpan ReleaseTimeout = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private NpgsqlConnection? _connection;
    private Task? _watch;

    /// <summary>How often a standby tries the lock, and the holder checks its connection. Default 2 s.</summary>
    public TimeSpan PollInterval { get; } = pollInterval ?? TimeSpan.FromSeconds(2);

    /// <summary>How long the server keeps the lock of a holder that stopped answering. Without it a frozen holder kept
    /// it for good (its kernel still answers TCP) and a vanished machine's for the hours TCP takes to notice, while the
    /// standby waited. Default 15 s.</summary>
    public TimeSpan LeaseTime { get; } = leaseTime ?? TimeSpan.FromSeconds(15);

    public Task Lost => _lost.Task;

    public async Task AcquireAsync(CancellationToken ct)
    {
        while (!await TryAcquireAsync(ct).ConfigureAwait(false))
        {
            await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
        }
    }

    public async Task<bool> TryAcquireAsync(CancellationToken ct)
    {
        if (_connection is not null)
        {
            return true;
        }
        // Pooling off: the lock belongs to this physical connection for the life of the lease.
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = "emporium scheduler lease" };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await LimitIdleAsync(connection, ct).ConfigureAwait(false);
            await using var cmd = LockCommand("pg_try_advisory_lock", connection);
            if (await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is true)
            {
                _connection = connection;
                _watch = WatchAsync(connection, _stop.Token);
                return true;
            }
        }
        catch (NpgsqlException)
        {
            // The server is unreachable for now: a standby keeps trying.
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        return false;
    }

    /// <summary>Has the server end the session once it has been idle for <see cref="LeaseTime"/>. A server before
    /// PostgreSQL 14 has no such setting: there the lease lasts as long as the connection, as before.</summary>
    private async Task LimitIdleAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            await using var cmd = new NpgsqlCommand(
                $"SET idle_session_timeout = {(long)Math.Ceiling(LeaseTime.TotalMilliseconds)}", connection);
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedObject)
        {
        }
    }

    private static NpgsqlCommand LockCommand(string function, NpgsqlConnection connection)
    {
        var cmd = new NpgsqlCommand($"SELECT {function}(hashtext($1))", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = LockName });
        return cmd;
    }

    private async Task WatchAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await Task.Delay(PollInterval, time, ct).ConfigureAwait(false);
                await using var cmd = new NpgsqlCommand("SELECT 1", connection);
                await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException)
        {
            _lost.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_watch is { } watch)
        {
            await watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        if (_connection is { } connection)
        {
            await UnlockAsync(connection).ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
        _stop.Dispose();
    }

    /// <summary>Releases the lock and waits for the server to confirm, so that once disposal returns a standby's next
    /// attempt gets the lease. A connection already broken (or a server that does not answer in time) is left to the
    /// close that follows: the server releases the lock when the session ends.</summary>
    private async Task UnlockAsync(NpgsqlConnection connection)
    {
        using var timeout = new CancellationTokenSource(ReleaseTimeout, time);
        try
        {
            await using var cmd = LockCommand("pg_advisory_unlock", connection);
            await cmd.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or IOException or OperationCanceledException)
        {
        }
    }
}
