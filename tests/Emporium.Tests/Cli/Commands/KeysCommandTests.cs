using System.Text.Json;
using Emporium.Cli.Web.Auth;
using Emporium.Tests.Batch;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Commands;

/// <summary><c>emporium keys</c> as an operator runs it: a key is printed once and stored only as its hash, names are
/// labels people can type back, and a default name never collides with one left after a removal.</summary>
public sealed class KeysCommandTests
{
    private static IReadOnlyList<(string Name, string Hash, string[] Scopes)> Stored(string dataDir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataDir, "emporium.json")));
        return doc.RootElement.GetProperty("Auth").GetProperty("Keys").EnumerateArray()
            .Select(k => (k.GetProperty("Name").GetString()!, k.GetProperty("Hash").GetString()!, k.GetProperty("Scopes").EnumerateArray().Select(s => s.GetString()!).ToArray()))
            .ToList();
    }

    private static string KeyOf(string output) =>
        output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(ApiKeyHash.Prefix, StringComparison.Ordinal));

    [Fact]
    public async Task Keys_are_stored_hashed_named_and_removed_by_name()
    {
        using var data = new TempDir("keys");
        var (code, output) = await BatchCli.RunAsync("keys", "add", "--scope", "read", "--data", data.Path);
        Assert.True(code == 0, output);
        var first = KeyOf(output);
        (code, output) = await BatchCli.RunAsync("keys", "add", "--scope", "ingest", "--scope", "read", "--data", data.Path);
        Assert.True(code == 0, output);
        Assert.Equal([("key-1", ApiKeyHash.Of(first), ["read"]), ("key-2", ApiKeyHash.Of(KeyOf(output)), ["ingest", "read"])],
            Stored(data.Path).Select(k => (k.Name, k.Hash, k.Scopes)));
        Assert.DoesNotContain(first, File.ReadAllText(Path.Combine(data.Path, "emporium.json")), StringComparison.Ordinal);

        // After key-1 is removed, the next default name is key-1 again, not key-2 (taken) as a count would give.
        (code, output) = await BatchCli.RunAsync("keys", "remove", "key-1", "--data", data.Path);
        Assert.True(code == 0, output);
        (code, output) = await BatchCli.RunAsync("keys", "add", "--scope", "admin", "--data", data.Path);
        Assert.True(code == 0, output);
        Assert.Equal(["key-2", "key-1"], Stored(data.Path).Select(k => k.Name));

        foreach (var (args, message) in new[]
                 {
                     (new[] { "keys", "add", "--scope", "read", "--name", "" }, "--name must be a label"),
                     (new[] { "keys", "add", "--scope", "read", "--name", " ops" }, "--name must be a label"),
                     (new[] { "keys", "add", "--scope", "read", "--name", "a\tb" }, "--name must be a label"),
                     (new[] { "keys", "add", "--scope", "read", "--name", "a\nb" }, "--name must be a label"),
                     (new[] { "keys", "add", "--scope", "read", "--name", "key-2" }, "a key named 'key-2' exists"),
                     (new[] { "keys", "remove", "nope" }, "no key named 'nope'"),
                 })
        {
            (code, output) = await BatchCli.RunAsync([.. args, "--data", data.Path]);
            Assert.Equal(1, code);
            Assert.Contains(message, output, StringComparison.Ordinal);
        }
        Assert.Equal(2, Stored(data.Path).Count);
        (code, output) = await BatchCli.RunAsync("keys", "list", "--data", data.Path);
        Assert.True(code == 0, output);
        Assert.Contains("key-1", output, StringComparison.Ordinal);
        Assert.Contains("admin", output, StringComparison.Ordinal);
    }

    /// <summary>A mistyped <c>--data</c> made a new data dir holding only the key: the command said the key was stored
    /// and the server of the real data dir kept refusing it. Refused as <c>dag run</c> refuses a missing data dir; a
    /// folder made on purpose (a key before the first start) is taken as it is.</summary>
    [Fact]
    public async Task Add_to_a_data_dir_that_does_not_exist_is_refused_and_creates_nothing()
    {
        using var dir = new TempDir("keys-no-dir");
        var missing = dir.Combine("mistyped");

        var (code, output) = await BatchCli.RunAsync("keys", "add", "--scope", "read", "--data", missing);

        Assert.True(code == 2, output);
        Assert.Contains($"emporium keys add: no data dir {missing}: start one with emporium up", output, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKeyHash.Prefix, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing), $"{missing} was created");

        Directory.CreateDirectory(missing);
        (code, output) = await BatchCli.RunAsync("keys", "add", "--scope", "read", "--data", missing);
        Assert.True(code == 0, output);
        Assert.Equal(ApiKeyHash.Of(KeyOf(output)), Assert.Single(Stored(missing)).Hash);
    }

    /// <summary>A <c>--data</c> naming a file is said as such (it was an unhandled "The file '…' already exists."), and
    /// removing from a data dir that does not exist creates none.</summary>
    [Fact]
    public async Task A_data_dir_that_is_a_file_is_refused_and_remove_creates_no_data_dir()
    {
        using var dir = new TempDir("keys-data");
        var file = dir.Combine("file");
        File.WriteAllText(file, "notes");

        var (code, output) = await BatchCli.RunAsync("keys", "add", "--scope", "read", "--data", file);
        Assert.True(code == 2, output);
        Assert.Contains($"emporium keys add: data dir {file} is a file, not a folder", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);

        var missing = dir.Combine("mistyped");
        (code, output) = await BatchCli.RunAsync("keys", "remove", "key-1", "--data", missing);
        Assert.True(code == 2, output);
        Assert.Contains($"emporium keys remove: no data dir {missing}: give the --data of an existing one", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    /// <summary>Listing the keys of a data dir that does not exist (a mistyped <c>--data</c>) said "no API keys: the
    /// server serves loopback only", exit 0: a claim about a server whose data dir was not read at all.</summary>
    [Fact]
    public async Task List_of_a_data_dir_that_does_not_exist_says_so_and_creates_nothing()
    {
        using var dir = new TempDir("keys-data");
        var missing = dir.Combine("mistyped");

        var (code, output) = await BatchCli.RunAsync("keys", "list", "--data", missing);

        Assert.True(code == 2, output);
        Assert.Contains($"emporium keys list: no data dir {missing}: give the --data of an existing one", output, StringComparison.Ordinal);
        Assert.DoesNotContain("loopback", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }
}
