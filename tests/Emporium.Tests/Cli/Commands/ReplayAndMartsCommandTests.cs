using System.CommandLine;
using Emporium.Cli.Commands;
using Emporium.Datasets;
using Emporium.Processing;
using Emporium.Tests.Processing;

namespace Emporium.Tests.Cli.Commands;

/// <summary><c>emporium replay</c> and <c>emporium marts</c> on a data dir no server owns.</summary>
public sealed class ReplayAndMartsCommandTests
{
    private static Task<int> Run(params string[] args)
    {
        var root = new RootCommand { new ReplayCommand().Build(), new MartsCommand().Build() };
        return root.Parse(args).InvokeAsync();
    }

    [Fact]
    public async Task Replay_rewinds_orders_without_doubling_them_once_the_processor_runs_again()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MaxBatchRecords = 40, Datasets = [DatasetCatalog.Orders] });
        var orders = Enumerable.Range(0, 120).Select(TestRecords.Order).ToList();
        await h.AppendAsync(orders);
        await h.DrainAsync();
        await h.StopAsync(); // as no server runs: the replay opens the log (for its start offsets) too

        Assert.Equal(0, await Run("replay", "orders", "--from-offset", "50", "--data", h.DataDir));

        await h.RestartAsync();
        var offsets = await h.Warehouse.GetOffsetsAsync("stream", CancellationToken.None);
        Assert.All(offsets.Values, v => Assert.True(v <= 50));
        Assert.Equal(offsets.Values.Sum(), (long)(await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]!);

        await h.DrainAsync();
        Assert.Equal(orders.Count, (long)(await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]!);
        Assert.Equal(orders.Count, (await h.LakeRowsAsync("orders")).Count);
        Assert.Equal(0, await Run("marts", "popular_products", "--limit", "3", "--format", "csv", "--data", h.DataDir));

        // Another process (here the harness's processor) holds the warehouse file: a replay from a second process
        // names the file and what to do, not DuckDB's stack trace.
        var (code, text) = await Emporium.Tests.Batch.BatchCli.RunAsync("replay", "orders", "--from-offset", "0", "--data", h.DataDir);
        Assert.Equal(2, code);
        Assert.Contains("emporium replay: --warehouse (setting Warehouse): '", text, StringComparison.Ordinal);
        Assert.Contains("warehouse.duckdb' is open in another process (", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replay_from_past_what_was_processed_says_there_is_nothing_to_replay()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MaxBatchRecords = 40, Datasets = [DatasetCatalog.Orders] });
        await h.AppendAsync(Enumerable.Range(0, 60).Select(TestRecords.Order).ToList());
        await h.DrainAsync();
        await h.StopAsync();

        var (code, text) = await Emporium.Tests.Batch.BatchCli.RunAsync("replay", "orders", "--from-offset", "999999", "--data", h.DataDir);

        Assert.True(code == 0, text);
        Assert.Contains("Nothing to replay: no partition was processed past offset 999999.", text, StringComparison.Ordinal);

        // A partition the topic does not have is a typo, refused as through a server (it said "Nothing to replay").
        var (badCode, bad) = await Emporium.Tests.Batch.BatchCli.RunAsync("replay", "orders", "--from-offset", "0", "--partition", "9", "--data", h.DataDir);
        Assert.Equal(2, badCode);
        Assert.Contains("emporium replay: orders has no partition 9; its partitions are 0", bad, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replay", "customers", "--from-offset", "0")]
    [InlineData("replay", "orders", "--from-offset", "-1")]
    [InlineData("replay", "orders")]
    [InlineData("marts", "no_such_mart")]
    [InlineData("marts", "daily_sales", "--limit", "0")]
    [InlineData("marts", "daily_sales", "--format", "xml")]
    public async Task Bad_arguments_exit_non_zero(params string[] args)
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders] });
        Assert.NotEqual(0, await Run([.. args, "--data", h.DataDir]));
    }

    [Theory]
    [InlineData("customers", "0", "emporium replay: unknown dataset 'customers'; known: categories, products, reviews, orders, dead_letters")]
    [InlineData("orders", "-1", "emporium replay: --from-offset and --partition must not be negative")]
    public async Task A_bad_dataset_or_offset_is_a_usage_error_like_load_and_send(string dataset, string offset, string message)
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders] });
        await h.StopAsync();

        var (code, text) = await Emporium.Tests.Batch.BatchCli.RunAsync("replay", dataset, "--from-offset", offset, "--data", h.DataDir);

        Assert.Equal(2, code);
        Assert.Equal(message, text.Trim());
    }

    /// <summary>A mart the warehouse cannot compute, read from the data dir: the engine's reason naming the mart and
    /// exit 2 (not the caller's fault), not a stack trace.</summary>
    [Fact]
    public async Task A_mart_the_warehouse_fails_to_read_is_named_with_the_engines_reason()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders] });
        await h.Warehouse.ExecuteAsync("INSERT INTO orders (invoice_no, stock_code, description, quantity, invoice_date, unit_price, customer_id, country) VALUES ('536365', '85123A', 'WHITE HANGING HEART', 1, TIMESTAMP '2010-12-01 08:00:00', 1e33, 17850, 'france')", CancellationToken.None);
        await h.StopAsync();

        var (code, text) = await Emporium.Tests.Batch.BatchCli.RunAsync("marts", "daily_sales", "--data", h.DataDir);

        Assert.Equal(2, code);
        Assert.StartsWith("emporium marts: the warehouse could not read mart 'daily_sales': ", text.Trim(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }
}
