using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium keys add|list|remove</c>: API keys in <c>&lt;data&gt;/emporium.json</c>, stored as SHA-256
/// hashes; a new key is printed once and never stored.</summary>
public sealed class KeysCommand : ICliCommand
{
    public Command Build()
    {
        var command = new Command("keys", "Manage API keys (stored hashed in <data>/emporium.json)");
        command.Subcommands.Add(BuildAdd());
        command.Subcommands.Add(BuildList());
        command.Subcommands.Add(BuildRemove());
        return command;
    }

    private static Command BuildAdd()
    {
        var scope = new Option<string[]>("--scope") { Description = "ingest, read or admin (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        scope.AcceptOnlyFromAmong([.. Scopes.All]);
        var name = new Option<string?>("--name") { Description = "Label for the key (default key-N)" };
        var data = CommonOptions.Data();
        var add = new Command("add", "Create a key, print it once, store only its hash") { scope, name, data };
        add.SetAction(parse => Guarded("add", () =>
        {
            var file = ConfigFile(parse.GetValue(data), create: true);
            var root = Load(file);
            var keys = Keys(root);
            var taken = keys.Select(k => k?["Name"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            var label = parse.GetValue(name) ?? Enumerable.Range(1, keys.Count + 1).Select(n => $"key-{n}").First(n => !taken.Contains(n));
            // A tab or line break would split the name across `keys list`'s columns or lines.
            if (string.IsNullOrWhiteSpace(label) || label != label.Trim() || label.Any(char.IsControl))
            {
                Console.Error.WriteLine($"emporium keys add: --name must be a label without leading or trailing spaces or control characters (tabs, line breaks), got '{label.ReplaceLineEndings(" ").Replace('\t', ' ')}'");
                return 1;
            }
            if (taken.Contains(label))
            {
                Console.Error.WriteLine($"emporium keys add: a key named '{label}' exists; remove it first or pick another --name");
                return 1;
            }
            var key = ApiKeyHash.NewKey();
            var scopes = parse.GetValue(scope)!.Select(s => s.ToLowerInvariant()).Distinct().ToArray();
            keys.Add(new JsonObject
            {
                ["Name"] = label,
                ["Hash"] = ApiKeyHash.Of(key),
                ["Scopes"] = new JsonArray(scopes.Select(s => (JsonNode)JsonValue.Create(s)).ToArray()),
            });
            Save(file, root);
            Console.WriteLine(key);
            Console.Error.WriteLine($"Key '{label}' ({string.Join(", ", scopes)}) stored as a hash in {file}. Copy it now: it is not shown again.");
            Console.Error.WriteLine(RunningServerNote);
            return 0;
        }));
        return add;
    }

    private static Command BuildList()
    {
        var data = CommonOptions.Data();
        var list = new Command("list", "List key names and scopes") { data };
        list.SetAction(parse => Guarded("list", () =>
        {
            var options = EmporiumConfiguration.Load(Path.GetDirectoryName(ConfigFile(parse.GetValue(data), create: false))!);
            foreach (var key in options.Auth.Keys)
            {
                Console.WriteLine($"{key.Name}\t{string.Join(",", key.Scopes)}\tsha256:{key.Hash[..Math.Min(12, key.Hash.Length)]}…");
            }
            if (options.Auth.Keys.Count == 0)
            {
                Console.Error.WriteLine("no API keys: the server serves loopback only");
            }
            return 0;
        }));
        return list;
    }

    private static Command BuildRemove()
    {
        var name = new Argument<string>("name") { Description = "Name of the key" };
        var data = CommonOptions.Data();
        var remove = new Command("remove", "Remove a key by name") { name, data };
        remove.SetAction(parse => Guarded("remove", () =>
        {
            var file = ConfigFile(parse.GetValue(data), create: false);
            var root = Load(file);
            var keys = Keys(root);
            var victim = keys.FirstOrDefault(k => k?["Name"]?.GetValue<string>() == parse.GetValue(name));
            if (victim is null)
            {
                Console.Error.WriteLine($"emporium keys remove: no key named '{parse.GetValue(name)}'");
                return 1;
            }
            keys.Remove(victim);
            Save(file, root);
            Console.Error.WriteLine($"Key '{parse.GetValue(name)}' removed. {RunningServerNote}");
            return 0;
        }));
        return remove;
    }

    private const string RunningServerNote = "A running server on this data dir applies the change within a few seconds (Auth:ReloadInterval).";

    /// <summary>The data dir's emporium.json. A missing data dir stays missing and is refused: <paramref name="create"/>
    /// (adding a key) says how to make one, since a mistyped --data made a new data dir holding only the key while the
    /// real server kept refusing it; listing or removing says there is none, where they said "no API keys" or "no key
    /// named …" of a data dir they had not read.</summary>
    private static string ConfigFile(string? dataFlag, bool create)
    {
        var dir = EmporiumConfiguration.ResolveDataDir(dataFlag);
        DataDirLock.RefuseFile(dir);
        if (create)
        {
            ExistingDataDir.Require(dir, "add a key before its first start");
        }
        else if (!Directory.Exists(dir))
        {
            throw new StartupException($"no data dir {dir}: give the --data of an existing one (its keys are in its {EmporiumConfiguration.FileName})");
        }
        return Path.Combine(dir, EmporiumConfiguration.FileName);
    }

    /// <summary>A data dir that cannot hold the file is said with the command's name, not as a stack trace.</summary>
    private static int Guarded(string verb, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (StartupException e)
        {
            Console.Error.WriteLine($"emporium keys {verb}: {e.Message}");
            return 2;
        }
    }

    private static JsonObject Load(string file) =>
        File.Exists(file) ? JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })?.AsObject() ?? [] : [];

    private static JsonArray Keys(JsonObject root)
    {
        var auth = root["Auth"] as JsonObject ?? (JsonObject)(root["Auth"] = new JsonObject());
        return auth["Keys"] as JsonArray ?? (JsonArray)(auth["Keys"] = new JsonArray());
    }

    private static void Save(string file, JsonObject root)
    {
        var temp = file + ".tmp";
        File.WriteAllText(temp, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, file, overwrite: true);
    }
}
