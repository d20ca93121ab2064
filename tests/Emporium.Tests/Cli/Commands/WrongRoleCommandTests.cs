using Emporium.Tests.Batch;
using Emporium.Tests.Orchestration;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Commands;

/// <summary>In a split deployment each command goes to the process whose role serves it: <c>emporium load</c> to an
/// ingest process, <c>emporium dag …</c> to the scheduler. Aimed at another, the command fails saying which role it
/// needs and to aim <c>--url</c> there.</summary>
public sealed class WrongRoleCommandTests
{
    [Fact]
    public async Task Dag_run_aimed_at_an_ingest_process_says_to_aim_at_the_scheduler()
    {
        await using var ingest = await TestHost.StartAsync(configure: o => o with { Role = "ingest" });

        var (code, text) = await BatchCli.RunAsync("dag", "run", ProbeDag.Name, "--date", "2024-01-01", "--url", ingest.Host.Url);

        Assert.True(code == 2, text);
        Assert.Contains($"emporium dag run: No endpoint at POST /api/v1/dags/{ProbeDag.Name}/runs in this process (role ingest): the DAG API is served by --role scheduler. Aim --url at a process with that role.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_aimed_at_the_scheduler_says_to_aim_at_an_ingest_process()
    {
        using var dir = new TempDir("wrong-role");
        var file = dir.Combine("orders.csv");
        await File.WriteAllTextAsync(file, "InvoiceNo,StockCode\n1,A\n");
        await using var scheduler = await TestHost.StartAsync(configure: o => o with { Role = "scheduler" });

        var (code, text) = await BatchCli.RunAsync("load", file, "--dataset", "orders", "--url", scheduler.Host.Url);

        Assert.True(code == 2, text);
        Assert.Contains("emporium load: No endpoint at POST /api/v1/load in this process (role scheduler): ingest, batch loads and the read APIs are served by --role ingest. Aim --url at a process with that role.", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Marts_aimed_at_the_scheduler_fail_as_a_wrong_target_not_as_an_unknown_mart()
    {
        await using var scheduler = await TestHost.StartAsync(configure: o => o with { Role = "scheduler" });

        var (code, text) = await BatchCli.RunAsync("marts", "daily_sales", "--url", scheduler.Host.Url);

        // 1 is for a mart that does not exist; this one does, on another process.
        Assert.True(code == 2, text);
        Assert.Contains("served by --role ingest. Aim --url at a process with that role.", text, StringComparison.Ordinal);
    }
}
