using Emporium.Tests.TestSupport;
using Npgsql;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>A process whose scheduler loses its PostgreSQL lease stops so that no two schedulers run DAGs; it must
/// end as a failure, or a supervisor that restarts failed services only (systemd's <c>Restart=on-failure</c>) takes it
/// for a clean stop and leaves it down.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SchedulerLeaseLossTests(PostgresServer postgres)
{
    /// <summary>The session holding the scheduler lease.</summary>
    private const string Holders = "FROM pg_stat_activity WHERE application_name = 'emporium scheduler lease' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)";

    [Fact]
    public async Task Losing_the_scheduler_lease_ends_emporium_up_with_a_failure_exit_code()
    {
        var db = await postgres.CreateDatabaseAsync("leaseloss");
        using var dir = new TempDir("leaseloss");
        await using var server = await ServerProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(90), "--warehouse", postgres.AddressFor(db));
        await using var admin = new NpgsqlConnection(db);
        await admin.OpenAsync();
        await using (var held = new NpgsqlCommand($"SELECT count(*) {Holders}", admin))
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((long)(await held.ExecuteScalarAsync())! == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the server did not take the scheduler lease: " + server.Output);
                await Task.Delay(100);
            }
        }

        await using (var kill = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) {Holders}", admin))
        {
            await kill.ExecuteNonQueryAsync();
        }

        Assert.Equal(1, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("emporium up: stopped: the scheduler lease was lost", server.Output, StringComparison.Ordinal);
    }

    /// <summary>Two processes with the scheduler role started at once on one PostgreSQL warehouse: exactly one runs its
    /// DAG engine and the other says it stands by. The leader frozen (SIGSTOP: its connections stay open) kept the lease
    /// for good and no DAG ran anywhere; now the standby takes over once the lease time (15 s) has run out, and the old
    /// leader, resumed, finds its lease gone and stops with a failure exit code instead of running DAGs beside it.</summary>
    [Fact]
    public async Task Of_two_schedulers_one_runs_DAGs_and_the_other_takes_over_when_the_first_freezes()
    {
        var db = await postgres.CreateDatabaseAsync("twoschedulers");
        using var dirA = new TempDir("scheduler-a");
        using var dirB = new TempDir("scheduler-b");
        var starting = new[] { dirA, dirB }.Select(d => ServerProcess.StartAsync(d.Path, TimeSpan.FromSeconds(120), "--warehouse", postgres.AddressFor(db))).ToList();
        await Task.WhenAll(starting.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
        await using var a = await starting[0];
        await using var b = await starting[1];
        const string Leading = "orchestrator started:";
        const string Standing = "this one stands by until it can take it";

        await WaitForAsync(() => (a.Output.Contains(Leading, StringComparison.Ordinal) || b.Output.Contains(Leading, StringComparison.Ordinal))
                                 && (a.Output.Contains(Standing, StringComparison.Ordinal) || b.Output.Contains(Standing, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(60), () => $"A: {a.Output}\nB: {b.Output}");
        var (leader, standby) = a.Output.Contains(Leading, StringComparison.Ordinal) ? (a, b) : (b, a);
        Assert.DoesNotContain(Standing, leader.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(Leading, standby.Output, StringComparison.Ordinal);

        ProcessSignals.Stop(leader.Pid);
        try
        {
            // The lease time runs from the frozen leader's last check, as the server counts it (its session's idle
            // time), not from the stop: on a loaded machine that check can come seconds before the stop, and a takeover
            // timed from the stop looked early while the lease time was kept.
            await using var admin = new NpgsqlConnection(db);
            await admin.OpenAsync();
            var idleSince = await LeaderIdleSinceAsync(admin);
            await WaitForAsync(() => standby.Output.Contains(Leading, StringComparison.Ordinal), TimeSpan.FromSeconds(90), () => standby.Output);
            await using var now = new NpgsqlCommand("SELECT now()", admin);
            var held = (DateTime)(await now.ExecuteScalarAsync())! - idleSince;
            Assert.True(held > TimeSpan.FromSeconds(14), $"the standby took over {held} after the leader's last check, within its 15 s lease time");
        }
        finally
        {
            ProcessSignals.Continue(leader.Pid);
        }

        Assert.Equal(1, await leader.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("emporium up: stopped: the scheduler lease was lost", leader.Output, StringComparison.Ordinal);
    }

    /// <summary>When the (frozen) leader's lease session went idle, on the server's clock; a check it had sent before
    /// the stop may still be ending.</summary>
    private static async Task<DateTime> LeaderIdleSinceAsync(NpgsqlConnection admin)
    {
        await using var command = new NpgsqlCommand($"SELECT state, state_change {Holders}", admin);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using (var reader = await command.ExecuteReaderAsync())
            {
                Assert.True(await reader.ReadAsync(), "no session holds the scheduler lease");
                if (reader.GetString(0) == "idle")
                {
                    return reader.GetDateTime(1);
                }
            }
            Assert.True(DateTime.UtcNow < deadline, "the frozen leader's lease session never went idle");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, Func<string> why)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out: " + why());
            await Task.Delay(100);
        }
    }
}
