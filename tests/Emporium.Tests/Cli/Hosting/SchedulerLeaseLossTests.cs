using Emporium.Tests.TestSupport;
using Npgsql;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>A process whose scheduler loses its PostgreSQL lease stops so that no two schedulers run DAGs; it must
/// end as a failure, or a supervisor that restarts failed services only (systemd's <c>Restart=on-failure</c>) takes it
/// for a clean stop and leaves it down.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SchedulerLeaseLossTests(PostgresServer postgres)
{
    [Fact]
    public async Task Losing_the_scheduler_lease_ends_emporium_up_with_a_failure_exit_code()
    {
        var db = await postgres.CreateDatabaseAsync("leaseloss");
        using var dir = new TempDir("leaseloss");
        await using var server = await ServerProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(90), "--warehouse", postgres.AddressFor(db));
        await using var admin = new NpgsqlConnection(db);
        await admin.OpenAsync();
        const string Holders = "FROM pg_stat_activity WHERE application_name = 'emporium scheduler lease' AND pid IN (SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)";
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
}
