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
