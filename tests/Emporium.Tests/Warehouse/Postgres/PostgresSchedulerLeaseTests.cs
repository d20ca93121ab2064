using System.Runtime.InteropServices;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;
using Npgsql;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>One scheduler among processes sharing a PostgreSQL warehouse holds the lease; a second stands by until the
/// first releases it or its connection dies.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class PostgresSchedulerLeaseTests(PostgresServer server)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

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
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
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

        await first.Lost.WaitAsync(TimeSpan.FromSeconds(10));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
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
        Signal(holder, Sigstop);
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
            Signal(holder, Sigcont);
            stopped = false;
            await disposing.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            if (stopped)
            {
                Signal(holder, Sigcont);
            }
        }
        Assert.True(await second.TryAcquireAsync(CancellationToken.None), "disposal returned while the server still held the lock");
    }

    private const int Sigcont = 18;
    private const int Sigstop = 19;

    private static async Task<int> LeaseBackendPidAsync(string db)
    {
        await using var admin = new NpgsqlConnection(db);
        await admin.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT pid FROM pg_stat_activity WHERE application_name = 'emporium scheduler lease' AND datname = current_database()", admin);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    private static void Signal(int pid, int signal) =>
        Assert.True(Kill(pid, signal) == 0, $"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}
