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
}
