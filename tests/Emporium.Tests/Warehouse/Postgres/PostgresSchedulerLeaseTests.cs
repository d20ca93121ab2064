using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;
using Npgsql;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>One scheduler among processes sharing a PostgreSQL warehouse holds the lease; a second stands by until the
/// first releases it or its connection dies.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchedulerLeaseTests(PostgresServer server)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a test waits for what must happen (a lease released or lost, a standby's next try): a poll or
    /// two, but seconds more on a loaded machine whose pool threads and PostgreSQL backends starve.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_second_scheduler_waits_until_the_first_releases_the_lease()
    {
        var db = await server.CreateDatabaseAsync("lease");
        var first = new PostgresSchedulerLease(db, TimeProvider.System, Poll);
        await first.AcquireAsync(CancellationToken.None);
        await using var second = new PostgresSchedulerLease(db, TimeProvider.System, Poll);

        var waiting = second.AcquireAsync(CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted, "the second scheduler got the lease while the first held it");

        await first.DisposeAsync();
        await waiting.WaitAsync(Patience);
        Assert.False(second.Lost.IsCompleted);
    }

    [Fact]
    public async Task A_holder_whose_connection_is_killed_learns_it_lost_the_lease_and_a_standby_takes_over()
    {
        var db = await server.CreateDatabaseAsync("lease");
        await using var first = new PostgresSchedulerLease(db, TimeProvider.System, Poll);
        await first.AcquireAsync(CancellationToken.None);
        await using var second = new PostgresSchedulerLease(db, TimeProvider.System, Poll);
        var waiting = second.AcquireAsync(CancellationToken.None);

        await using (var admin = new NpgsqlConnection(db))
        {
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'emporium scheduler lease' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)", admin);
            await kill.ExecuteNonQueryAsync();
        }

        await first.Lost.WaitAsync(Patience);
        await waiting.WaitAsync(Patience);
    }

    /// <summary>A holder that stops answering while its connection stays open — its process frozen (SIGSTOP, a paused
    /// VM) or its machine gone without closing its connections — kept the lock as long as the server kept the session:
    /// for good for a frozen process, whose kernel still answers TCP, and the hours TCP keepalives take for a machine
    /// gone; the standby waited all that time and no DAG ran.</summary>
    [Fact]
    public async Task A_holder_that_stops_answering_loses_the_lease_after_the_lease_time_and_a_standby_takes_over()
    {
        var db = await server.CreateDatabaseAsync("lease");
        // A holder checking its lease once an hour: to the server, one that stopped answering.
        await using var frozen = new PostgresSchedulerLease(db, TimeProvider.System, TimeSpan.FromHours(1), leaseTime: TimeSpan.FromSeconds(2));
        // Timed from before the holder takes the lease: its session cannot idle out before then, so the lease time is a
        // lower bound however long the test thread is paused after the acquisition (timed from after it, a pause of
        // half a second on a loaded machine made a correct takeover look early).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.True(await frozen.TryAcquireAsync(CancellationToken.None));
        await using var standby = new PostgresSchedulerLease(db, TimeProvider.System, Poll);

        await standby.AcquireAsync(CancellationToken.None).WaitAsync(Patience);

        // (A little under 2 s: the server's timer and this stopwatch are different clocks.)
        Assert.True(watch.Elapsed > TimeSpan.FromSeconds(1.9), $"the standby got the lease after {watch.Elapsed} while the holder's lease time had not run out");
        Assert.False(standby.Lost.IsCompleted);
    }

    /// <summary>A holder that works keeps its lease past the lease time: its checks keep the session from idling out.</summary>
    [Fact]
    public async Task A_holder_that_answers_keeps_the_lease_past_the_lease_time()
    {
        var db = await server.CreateDatabaseAsync("lease");
        // The lease time is well above any pause a loaded machine gives the holder's checks (every 100 ms): a holder
        // whose checks stall that long has stopped answering, and losing its lease would be right, not a failure here.
        var leaseTime = TimeSpan.FromSeconds(5);
        await using var holder = new PostgresSchedulerLease(db, TimeProvider.System, Poll, leaseTime);
        Assert.True(await holder.TryAcquireAsync(CancellationToken.None));
        await using var standby = new PostgresSchedulerLease(db, TimeProvider.System, Poll);

        using var stop = new CancellationTokenSource();
        var waiting = standby.AcquireAsync(stop.Token);
        await Task.Delay(leaseTime * 2.5);

        Assert.False(waiting.IsCompleted, "the standby took the lease of a holder that answered");
        Assert.False(holder.Lost.IsCompleted);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public async Task One_attempt_says_whether_this_process_now_holds_the_lease()
    {
        var db = await server.CreateDatabaseAsync("lease");
        var first = new PostgresSchedulerLease(db, TimeProvider.System, Poll);
        await using var second = new PostgresSchedulerLease(db, TimeProvider.System, Poll);

        Assert.True(await first.TryAcquireAsync(CancellationToken.None));
        Assert.True(await first.TryAcquireAsync(CancellationToken.None));
        Assert.False(await second.TryAcquireAsync(CancellationToken.None));

        await first.DisposeAsync();
        Assert.True(await second.TryAcquireAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Once_disposal_returns_a_standby_gets_the_lease_even_from_a_server_slow_to_end_the_session()
    {
        var db = await server.CreateDatabaseAsync("lease");
        var first = new PostgresSchedulerLease(db, TimeProvider.System, Poll);
        await using var second = new PostgresSchedulerLease(db, TimeProvider.System, Poll);
        Assert.True(await first.TryAcquireAsync(CancellationToken.None));
        var holder = await LeaseBackendPidAsync(db);

        // The server process of the holder's session is suspended, as one starved of CPU would be: a close it has not
        // yet acted on leaves the lock held, while an unlock is only confirmed once it is done.
        ProcessSignals.Stop(holder);
        var stopped = true;
        try
        {
            var disposing = first.DisposeAsync().AsTask();
            if (await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(1))) == disposing)
            {
                Assert.True(await second.TryAcquireAsync(CancellationToken.None), "disposal returned while the server still held the lock");
                return;
            }
            // Once continued, the server process ends the closed session and exits: it cannot be signalled again.
            ProcessSignals.Continue(holder);
            stopped = false;
            await disposing.WaitAsync(Patience);
        }
        finally
        {
            if (stopped)
            {
                ProcessSignals.Continue(holder);
            }
        }
        Assert.True(await second.TryAcquireAsync(CancellationToken.None), "disposal returned while the server still held the lock");
    }

    private static async Task<int> LeaseBackendPidAsync(string db)
    {
        await using var admin = new NpgsqlConnection(db);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE application_name = 'emporium scheduler lease' AND datname = current_database()", admin);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }
}
