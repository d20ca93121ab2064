using Emporium.Cli.Web.Auth;
using Emporium.Tests.Batch;
using Emporium.Tests.Web.Dashboard;

namespace Emporium.Tests.Cli.Commands.Client;

/// <summary>What the CLI says when the server it goes through has API keys.</summary>
public sealed class EmporiumClientTests
{
    [Fact]
    public async Task Without_a_key_the_cli_says_how_to_give_one_and_a_key_lacking_a_scope_names_the_scope()
    {
        var readKey = "";
        await using var server = await EmporiumProcess.StartAsync(prepare: async dir =>
        {
            var (added, output) = await BatchCli.RunAsync("keys", "add", "--scope", Scopes.Read, "--name", "analyst", "--data", dir);
            Assert.True(added == 0, output);
            readKey = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(ApiKeyHash.Prefix, StringComparison.Ordinal));
        });

        var (code, text) = await BatchCli.RunAsync("query", "SELECT 42", "--data", server.Data.Path);
        Assert.NotEqual(0, code);
        Assert.Contains("(the emporium CLI: --api-key KEY or EMPORIUM_API_KEY)", text, StringComparison.Ordinal);
        // The answer's title says what is wrong before its detail says what to do: "emporium query: send the key as …"
        // alone did not say that the server wants a key, nor "the key is not configured" which key was meant.
        Assert.Contains("emporium query: API key required: send the key as", text, StringComparison.Ordinal);
        (code, text) = await BatchCli.RunAsync("query", "SELECT 42", "--data", server.Data.Path, "--api-key", "emp_wrong");
        Assert.Equal(2, code);
        Assert.Contains("emporium query: unknown API key: the key is not configured on this server", text, StringComparison.Ordinal);

        (code, text) = await BatchCli.RunAsync("query", "SELECT 42", "--data", server.Data.Path, "--api-key", readKey);
        Assert.True(code == 0, text);
        Assert.Contains("42", text, StringComparison.Ordinal);

        (code, text) = await BatchCli.RunAsync("catalog", "drop", "anything", "--data", server.Data.Path, "--api-key", readKey);
        Assert.Equal(1, code);
        Assert.Contains("admin", text, StringComparison.Ordinal);
        Assert.DoesNotContain("--api-key", text, StringComparison.Ordinal);
    }
}
