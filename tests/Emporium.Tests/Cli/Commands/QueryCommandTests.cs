using Emporium.Tests.Batch;

namespace Emporium.Tests.Cli.Commands;

/// <summary><c>emporium query</c> and <c>emporium marts</c> without a server read the data dir's own warehouse; a
/// data dir that has none (a mistyped <c>--data</c>) is an error, not a new empty warehouse.</summary>
public sealed class QueryCommandTests
{
    [Theory]
    [InlineData("query", "SELECT 1")]
    [InlineData("marts", "daily_sales")]
    public async Task A_data_dir_without_a_warehouse_fails_and_creates_nothing(string command, string argument)
    {
        using var dir = new Emporium.Tests.TestSupport.TempDir("no-warehouse");
        var missing = dir.Combine("mistyped");

        var (code, text) = await BatchCli.RunAsync(command, argument, "--data", missing);

        Assert.True(code == 2, text);
        Assert.Contains($"emporium {command}: no warehouse in {missing} yet", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    /// <summary>The list without a server says which marts the data dir's warehouse can answer, as the API does; in a
    /// data dir without a warehouse none, said so, with the contract still listed.</summary>
    [Fact]
    public async Task The_mart_list_without_a_server_says_which_marts_are_available()
    {
        using var dir = new Emporium.Tests.TestSupport.TempDir("mart-list");
        await (await Emporium.Tests.Cli.TestHost.StartEmbeddedAsync(dir.Path)).DisposeAsync();

        var (code, text) = await BatchCli.RunAsync("marts", "--format", "csv", "--data", dir.Path);
        Assert.True(code == 0, text);
        Assert.Contains("\nbest_sellers,false,", text, StringComparison.Ordinal);
        Assert.Contains("\ndaily_sales,true,", text, StringComparison.Ordinal);

        var missing = dir.Combine("mistyped");
        (code, text) = await BatchCli.RunAsync("marts", "--format", "csv", "--data", missing);
        Assert.True(code == 0, text);
        Assert.Contains($"emporium marts: no mart is available: no warehouse in {missing} yet", text, StringComparison.Ordinal);
        Assert.Contains("\ndaily_sales,false,", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    /// <summary>A mart of the catalog that no DAG run has made yet, read without a server, says so as the server does
    /// (<c>mart not available yet</c>, exit 1); it was an unhandled DuckDB "Catalog Error" with its stack trace.</summary>
    [Fact]
    public async Task A_mart_not_made_yet_is_said_so_without_a_stack_trace()
    {
        using var dir = new Emporium.Tests.TestSupport.TempDir("mart-not-yet");
        await (await Emporium.Tests.Cli.TestHost.StartEmbeddedAsync(dir.Path)).DisposeAsync(); // a data dir a server ran on

        var (code, text) = await BatchCli.RunAsync("marts", "best_sellers", "--data", dir.Path);

        Assert.True(code == 1, text);
        Assert.Contains("emporium marts: 'best_sellers' is not available yet: it reads seller_offers", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    /// <summary>The other commands that only read or rewind what a data dir holds say the same of a mistyped
    /// <c>--data</c>: before, <c>catalog</c> listed four empty datasets and <c>replay</c> said "nothing to replay" (exit
    /// 0), each leaving a new data dir with a log, a lake and a warehouse behind.</summary>
    [Theory]
    [InlineData("catalog", 2)]
    [InlineData("catalog drop sales", 1)]
    [InlineData("replay orders --from-offset 0", 2)]
    public async Task Reading_or_rewinding_a_data_dir_without_a_warehouse_fails_and_creates_nothing(string command, int expectedCode)
    {
        using var dir = new Emporium.Tests.TestSupport.TempDir("no-warehouse");
        var missing = dir.Combine("mistyped");

        string[] args = [.. command.Split(' '), "--data", missing];
        var (code, text) = await BatchCli.RunAsync(args);

        Assert.True(code == expectedCode, text);
        Assert.Contains($"emporium {string.Join(' ', command.Split(' ').TakeWhile(w => w is "catalog" or "drop" or "replay"))}: no warehouse in {missing} yet", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    /// <summary>A server that cannot be reached is named, so the message says what the command was trying to do.</summary>
    [Fact]
    public async Task A_server_that_cannot_be_reached_is_named()
    {
        var url = $"http://127.0.0.1:{Emporium.Testing.FreePort.Next()}";

        var (code, text) = await BatchCli.RunAsync("query", "SELECT 1", "--url", url);

        Assert.True(code == 2, text);
        Assert.Contains($"emporium query: cannot reach the Emporium server at {url}/: Connection refused", text, StringComparison.Ordinal);
    }
}
