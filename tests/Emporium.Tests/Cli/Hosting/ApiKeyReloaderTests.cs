using System.Net;
using System.Text.Json.Nodes;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Tests.Batch;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>Keys added, removed or broken in <c>emporium.json</c> while the server runs, through the real CLI where an
/// operator would use it.</summary>
public class ApiKeyReloaderTests
{
    private const string First = "emp_first-key-of-the-test";
    /// <summary>How long a test waits for a change to be taken: a reload interval (200 ms) or two, but a CLI child's start
    /// and the reloader's ticks take far longer on a loaded machine, where a short deadline fails with the server right.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_key_added_with_the_cli_works_and_a_removed_one_stops_working_without_a_restart()
    {
        using var dir = new TempDir("keys-reload");
        WriteConfig(dir.Path, ("first", First, ["read"]));
        await using var host = await TestHost.StartAsync(new InMemoryEventLog(), dataDir: dir.Path);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, First));

        var (code, output) = await BatchCli.RunAsync("keys", "add", "--scope", "read", "--name", "second", "--data", dir.Path);
        Assert.True(code == 0, output);
        Assert.Contains("within a few seconds", output);
        var second = output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(ApiKeyHash.Prefix, StringComparison.Ordinal));
        await EventuallyAsync(host, second, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, First));

        (code, output) = await BatchCli.RunAsync("keys", "remove", "first", "--data", dir.Path);
        Assert.True(code == 0, output);
        await EventuallyAsync(host, First, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, second));
    }

    [Fact]
    public async Task A_file_that_does_not_parse_or_holds_a_bad_key_leaves_the_keys_in_force()
    {
        using var dir = new TempDir("keys-reload");
        WriteConfig(dir.Path, ("first", First, ["read"]));
        await using var host = await TestHost.StartAsync(new InMemoryEventLog(), dataDir: dir.Path);

        // Torn by a hand edit, then a key with a scope that does not exist: neither may open or close the server.
        await File.WriteAllTextAsync(Path.Combine(dir.Path, EmporiumConfiguration.FileName), "{ \"Auth\": { \"Keys\": [");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, First));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, null));
        WriteConfig(dir.Path, ("first", First, ["read"]), ("typo", "emp_typo", ["raed"]));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, "emp_typo"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, First));

        // Fixed: the next change is taken.
        WriteConfig(dir.Path, ("fixed", "emp_fixed", ["read"]));
        await EventuallyAsync(host, "emp_fixed", HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, First));
    }

    [Fact]
    public async Task A_network_bound_server_whose_last_key_is_removed_refuses_everyone_instead_of_opening()
    {
        using var dir = new TempDir("keys-reload");
        WriteConfig(dir.Path, ("first", First, ["read"]));
        await using var host = await TestHost.StartAsync(new InMemoryEventLog(), new StrictTestNormalizer(), dataDir: dir.Path, configure: o => o with { Bind = "0.0.0.0" });
        WriteConfig(dir.Path);
        await EventuallyAsync(host, First, HttpStatusCode.Unauthorized);
        var anonymous = await host.Client.GetAsync("/api/v1/datasets");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("no API keys configured", await anonymous.Content.ReadAsStringAsync());
        var health = JsonNode.Parse(await host.Client.GetStringAsync("/health"))!;
        Assert.True(health["auth"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_loopback_server_started_without_keys_needs_one_once_a_key_is_added()
    {
        using var dir = new TempDir("keys-reload");
        WriteConfig(dir.Path);
        await using var host = await TestHost.StartAsync(new InMemoryEventLog(), dataDir: dir.Path);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, null));
        WriteConfig(dir.Path, ("first", First, ["read"]));
        await EventuallyAsync(host, null, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, First));
        // server.json, which clients read to find the server, says so too (it is rewritten just after the swap).
        var until = DateTime.UtcNow + Patience;
        while (!PublishedAuth(dir.Path) && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
        Assert.True(PublishedAuth(dir.Path));
    }

    [Fact]
    public async Task A_change_made_before_the_reloader_first_looks_is_still_taken()
    {
        // The host reads the keys, then starts the reloader on its own thread: an edit in between used to become the
        // baseline the reloader compared with, and was never applied (a removed key kept working until the next edit).
        using var dir = new TempDir("keys-reload");
        WriteConfig(dir.Path, ("first", First, ["read"]));
        var ring = new ApiKeyRing(EmporiumConfiguration.Load(dir.Path).Auth, loopbackOnly: true);
        WriteConfig(dir.Path, ("second", "emp_second", ["read"]));
        using var reloader = new ApiKeyReloader(dir.Path, TimeSpan.FromMilliseconds(50), ring, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<ApiKeyReloader>.Instance);
        await reloader.StartAsync(CancellationToken.None);
        var until = DateTime.UtcNow + Patience;
        while (ring.Current.Keys[0].Name != "second" && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }
        await reloader.StopAsync(CancellationToken.None);
        Assert.Equal(["second"], ring.Current.Keys.Select(k => k.Name));
    }

    private static bool PublishedAuth(string dataDir) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(dataDir, "server.json")))!.AsObject()
            .Single(p => string.Equals(p.Key, "AuthEnabled", StringComparison.OrdinalIgnoreCase)).Value!.GetValue<bool>();

    /// <summary>An emporium.json with these keys (hashed) and a short reload interval.</summary>
    private static void WriteConfig(string dataDir, params (string Name, string Key, string[] Scopes)[] keys)
    {
        var root = new JsonObject
        {
            ["Auth"] = new JsonObject
            {
                ["ReloadInterval"] = "00:00:00.200",
                ["Keys"] = new JsonArray(keys.Select(k => (JsonNode)new JsonObject
                {
                    ["Name"] = k.Name,
                    ["Hash"] = ApiKeyHash.Of(k.Key),
                    ["Scopes"] = new JsonArray(k.Scopes.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
                }).ToArray()),
            },
        };
        var file = Path.Combine(dataDir, EmporiumConfiguration.FileName);
        File.WriteAllText(file + ".tmp", root.ToJsonString());
        File.Move(file + ".tmp", file, overwrite: true);
    }

    private static async Task<HttpStatusCode> StatusAsync(TestHost host, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/datasets");
        if (key is not null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }
        using var response = await host.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task EventuallyAsync(TestHost host, string? key, HttpStatusCode expected)
    {
        var until = DateTime.UtcNow + Patience;
        HttpStatusCode status;
        while ((status = await StatusAsync(host, key)) != expected && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
        Assert.Equal(expected, status);
    }
}
