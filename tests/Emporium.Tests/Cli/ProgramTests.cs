using Emporium.Tests.Batch;

namespace Emporium.Tests.Cli;

public sealed class ProgramTests
{
    [Fact]
    public async Task Help_names_the_launcher_and_lists_every_command()
    {
        var (code, text) = await BatchCli.RunAsync("--help");

        Assert.True(code == 0, text);
        Assert.Contains("emporium [command] [options]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Emporium.Cli", text, StringComparison.Ordinal);
        foreach (var command in new[] { "catalog", "crawl", "dag", "generate", "keys", "load", "log", "marts", "query", "replay", "send", "up" })
        {
            Assert.Matches($@"(?m)^\s+{command}\b", text);
        }
    }

    /// <summary>A command list names a subcommand's arguments as required (<c>marts &lt;name&gt;</c>): an optional one
    /// would read as needed, so it is left to the subcommand's own usage line (<c>emporium marts [&lt;name&gt;]</c>).</summary>
    [Fact]
    public async Task The_command_list_shows_no_optional_argument_as_if_it_were_required()
    {
        var (code, text) = await BatchCli.RunAsync("--help");

        Assert.True(code == 0, text);
        Assert.Matches(@"(?m)^\s+marts\s{2,}List the marts", text);
        Assert.Matches(@"(?m)^\s+catalog\s{2,}Show datasets", text);
        Assert.DoesNotContain("marts <name>", text, StringComparison.Ordinal);
        Assert.Contains("load <paths>", text, StringComparison.Ordinal);
        Assert.Contains("query <sql>", text, StringComparison.Ordinal);

        (code, text) = await BatchCli.RunAsync("catalog", "--help");
        Assert.True(code == 0, text);
        Assert.Contains("drop <name>", text, StringComparison.Ordinal);
        Assert.Contains("emporium catalog [<name>] [command] [options]", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Subcommand_help_names_the_launcher()
    {
        var (code, text) = await BatchCli.RunAsync("load", "--help");

        Assert.True(code == 0, text);
        Assert.Contains("emporium load <paths>... [options]", text, StringComparison.Ordinal);
    }

    /// <summary>Only send falls back to the default port; the others work on the data dir when no server owns it, so
    /// their help must not send people looking for a server on 5080.</summary>
    [Theory]
    [InlineData("dag", "runs")]
    [InlineData("dag", "backfill")]
    [InlineData("query", null)]
    [InlineData("send", null)]
    public async Task Url_help_says_what_happens_without_a_server(string command, string? subcommand)
    {
        var (code, text) = await BatchCli.RunAsync(subcommand is null ? [command, "--help"] : [command, subcommand, "--help"]);

        Assert.True(code == 0, text);
        var flat = string.Join(' ', text.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        if (command == "send")
        {
            Assert.Contains("the server that owns the data dir, else, without --data, http://127.0.0.1:5080", flat, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("without one, the command works on the data dir itself", flat, StringComparison.Ordinal);
            Assert.DoesNotContain("5080", flat, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_subcommands_help_shows_its_own_arguments_not_its_parents()
    {
        var (code, text) = await BatchCli.RunAsync("catalog", "drop", "--help");

        Assert.True(code == 0, text);
        Assert.Contains("emporium catalog drop <name> [options]", text, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "<name>  "));
        Assert.Contains("The crawled table to drop", text, StringComparison.Ordinal);
        Assert.DoesNotContain("One table to show in detail", text, StringComparison.Ordinal);

        // The parent keeps its own.
        (code, text) = await BatchCli.RunAsync("catalog", "--help");
        Assert.True(code == 0, text);
        Assert.Contains("emporium catalog [<name>] [command] [options]", text, StringComparison.Ordinal);
        Assert.Contains("One table to show in detail", text, StringComparison.Ordinal);
    }

    /// <summary>An option with a default shows it once, as "[default: N]"; a description that says it again reads as
    /// two settings.</summary>
    [Theory]
    [InlineData("send")]
    [InlineData("log", "stats")]
    [InlineData("log", "append")]
    [InlineData("query")]
    [InlineData("generate")]
    public async Task Each_option_names_its_default_once(params string[] command)
    {
        var (code, text) = await BatchCli.RunAsync([.. command, "--help"]);

        Assert.True(code == 0, text);
        var twice = text.Split('\n').Where(line => line.Contains("[default: ", StringComparison.Ordinal)
                                                   && line.IndexOf("default", StringComparison.OrdinalIgnoreCase) < line.IndexOf("[default: ", StringComparison.Ordinal)).ToList();
        Assert.Empty(twice);
    }

    [Fact]
    public async Task An_unknown_command_fails_with_a_suggestion()
    {
        var (code, text) = await BatchCli.RunAsync("lod");

        Assert.True(code == 2, text);
        Assert.Contains("Unrecognized command or argument 'lod'", text, StringComparison.Ordinal);
        Assert.Contains("load", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_prints_the_build()
    {
        var (code, text) = await BatchCli.RunAsync("--version");

        Assert.True(code == 0, text);
        Assert.Matches(@"^\d+\.\d+\.\d+", text.Trim());
    }

    [Theory]
    [InlineData("{\"Port\": \"abc\"}", "up", "Port is 'abc' (in ")]
    [InlineData("{\"Processor\": {\"MaxBatchRecords\": \"many\"}}", "query", "Processor:MaxBatchRecords is 'many' (in ")]
    [InlineData("{ \"Port\": ", "query", "LineNumber: ")]
    [InlineData("{\"Orchestrator\": {\"Scheduling\": \"maybe\"}}", "up", "Orchestrator:Scheduling is 'maybe' (in ")]
    public async Task Unreadable_settings_exit_2_with_what_is_wrong_and_no_stack_trace(string json, string command, string expected)
    {
        using var dir = new TestSupport.TempDir("bad-settings");
        await File.WriteAllTextAsync(dir.Combine("emporium.json"), json);
        string[] args = command == "up" ? ["up", "--data", dir.Path] : ["query", "SELECT 1", "--data", dir.Path];

        var (code, text) = await BatchCli.RunAsync(args);

        Assert.True(code == 2, text);
        Assert.Contains("emporium: cannot read the settings: ", text, StringComparison.Ordinal);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Contains("emporium.json", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("up", "EMPORIUM__WAREHOUSE", "nosuch://x", "warehouse backend 'nosuch' not available")]
    [InlineData("up", "EMPORIUM__LAKE", "ftp://x/y", "lake backend 'ftp' not available")]
    [InlineData("up", "EMPORIUM__LOG", "zzz://x", "log backend 'zzz' not available")]
    [InlineData("up", "EMPORIUM__WAREHOUSE", "duckdb:{dir}/w.duckdb?memory_limit=lots", "memory_limit")]
    [InlineData("up", "EMPORIUM__LOG", "embedded:{dir}/log?retention=5 minutes", "retention must be a duration")]
    [InlineData("query", "EMPORIUM__WAREHOUSE", "nosuch://x", "warehouse backend 'nosuch' not available")]
    [InlineData("load", "EMPORIUM__LAKE", "ftp://x/y", "lake backend 'ftp' not available")]
    [InlineData("load", "EMPORIUM__WAREHOUSE", "duckdb:{dir}/w.duckdb?threads=many", "threads must be a whole number")]
    [InlineData("catalog", "EMPORIUM__WAREHOUSE", "nosuch://x", "warehouse backend 'nosuch' not available")]
    [InlineData("replay", "EMPORIUM__LOG", "zzz://x", "log backend 'zzz' not available")]
    [InlineData("dag", "EMPORIUM__LAKE", "ftp://x/y", "lake backend 'ftp' not available")]
    [InlineData("log", "EMPORIUM__LOG", "zzz://x", "emporium log stats: log backend 'zzz' not available")]
    [InlineData("lake", "EMPORIUM__LAKE", "ftp://x/y", "emporium lake stats: lake backend 'ftp' not available")]
    [InlineData("marts", "EMPORIUM__WAREHOUSE", "nosuch://x", "warehouse backend 'nosuch' not available")]
    public async Task A_bad_backend_address_fails_without_leaving_a_data_dir_behind(string command, string variable, string value, string expected)
    {
        using var parent = new TestSupport.TempDir("bad-backend");
        var (code, text, data) = await RunInNewDataDirAsync(parent, command, variable, value);

        Assert.True(code == 2, text);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), $"{data} was left behind: {string.Join(", ", Directory.Exists(data) ? Directory.GetFileSystemEntries(data) : [])}");
    }

    /// <summary>Runs a command (its usual arguments) with one environment variable set (<c>{dir}</c> in it is the
    /// data dir) against a data dir below <paramref name="parent"/> that does not exist yet.</summary>
    private static async Task<(int Code, string Text, string Data)> RunInNewDataDirAsync(TestSupport.TempDir parent, string command, string variable, string value)
    {
        var data = parent.Combine("data");
        var csv = parent.Combine("categories.csv");
        await File.WriteAllTextAsync(csv, "id,category_name\n1,a\n");
        string[] args = command switch
        {
            "up" => ["up", "--port", "0"],
            "query" => ["query", "SELECT 1"],
            "load" => ["load", csv, "--dataset", "categories"],
            "replay" => ["replay", "products", "--from-offset", "0"],
            "dag" => ["dag", "run", "retail_lake"],
            "log" or "lake" => [command, "stats"],
            "marts" => ["marts", "daily_sales"],
            _ => [command],
        };
        var (code, text) = await BatchCli.RunAsync(new Dictionary<string, string> { [variable] = value.Replace("{dir}", data, StringComparison.Ordinal) }, [.. args, "--data", data]);
        return (code, text, data);
    }

    [Fact]
    public async Task A_failed_start_in_an_existing_data_dir_leaves_only_what_was_there()
    {
        using var dir = new TestSupport.TempDir("bad-backend-existing");
        await File.WriteAllTextAsync(dir.Combine("emporium.json"), $$"""{"Warehouse": "duckdb:{{dir.Combine("w.duckdb")}}?memory_limit=lots"}""");

        var (code, text) = await BatchCli.RunAsync("up", "--port", "0", "--data", dir.Path);

        Assert.True(code == 2, text);
        Assert.Equal([dir.Combine("emporium.json")], Directory.GetFileSystemEntries(dir.Path));
    }

    [Theory]
    [InlineData("up", "EMPORIUM__BATCH__CHUNKROWS", "-5", "Batch:ChunkRows is '-5' (from environment variable EMPORIUM__BATCH__CHUNKROWS): expected a whole number of at least 1")]
    [InlineData("up", "EMPORIUM__PARTITIONS", "0", "Partitions is '0' (from environment variable EMPORIUM__PARTITIONS): expected a whole number of at least 1")]
    [InlineData("up", "EMPORIUM__PROCESSOR__MINBATCHINTERVAL", "-00:00:01", "Processor:MinBatchInterval is '-00:00:01' (from environment variable EMPORIUM__PROCESSOR__MINBATCHINTERVAL): expected a duration of zero or more")]
    [InlineData("up", "EMPORIUM__ORCHESTRATOR__MAXBACKFILLRUNS", "0", "Orchestrator:MaxBackfillRuns is '0' (from environment variable EMPORIUM__ORCHESTRATOR__MAXBACKFILLRUNS): expected a whole number of at least 1")]
    [InlineData("load", "EMPORIUM__BATCH__LAKEWRITECONCURRENCY", "0", "Batch:LakeWriteConcurrency is '0' (from environment variable EMPORIUM__BATCH__LAKEWRITECONCURRENCY): expected a whole number of at least 1")]
    public async Task A_setting_out_of_range_exits_2_before_the_data_dir_is_created(string command, string variable, string value, string expected)
    {
        using var parent = new TestSupport.TempDir("range-settings");
        var (code, text, data) = await RunInNewDataDirAsync(parent, command, variable, value);

        Assert.True(code == 2, text);
        Assert.Contains($"emporium: cannot read the settings: {expected}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), $"{data} was created");
    }

    [Fact]
    public async Task A_port_out_of_range_from_the_flag_says_so()
    {
        using var dir = new TestSupport.TempDir("range-port");

        var (code, text) = await BatchCli.RunAsync("up", "--port", "-3", "--data", dir.Path);

        Assert.True(code == 2, text);
        Assert.Contains("Port is '-3' (from the command line): expected a whole number from 0 to 65535", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("EMPORIUM__BATCH__CHUNKROWS", "abc", "Batch:ChunkRows is 'abc' (from environment variable EMPORIUM__BATCH__CHUNKROWS): expected a whole number")]
    [InlineData("EMPORIUM__INGEST__IDEMPOTENCYTTL", "5 minutes", "Ingest:IdempotencyTtl is '5 minutes' (from environment variable EMPORIUM__INGEST__IDEMPOTENCYTTL): expected a duration like 00:05:00")]
    public async Task A_bad_environment_setting_names_the_setting_the_variable_and_what_is_expected(string variable, string value, string expected)
    {
        using var dir = new TestSupport.TempDir("bad-env-settings");

        var (code, text) = await BatchCli.RunAsync(new Dictionary<string, string> { [variable] = value }, "catalog", "--data", dir.Path);

        Assert.True(code == 2, text);
        Assert.Contains($"emporium: cannot read the settings: {expected}", text, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("query", "  ", "emporium query: the SQL is empty")]
    [InlineData("generate", "nope", "emporium generate: unknown dataset 'nope'")]
    [InlineData("send", "invoices", "emporium send: unknown dataset 'invoices'; known: categories, products, reviews, orders")]
    public async Task Bad_arguments_are_refused_by_the_command_naming_itself(string command, string argument, string expected)
    {
        using var dir = new TestSupport.TempDir("bad-arguments");
        using var source = new TestSupport.TempDir("bad-arguments-source");
        var file = source.Combine("categories.csv");
        await File.WriteAllTextAsync(file, "id,category_name\n1,a\n");
        string[] args = command switch
        {
            "query" => [command, argument, "--data", dir.Path],
            // No server listens at the URL: the dataset is refused before anything is sent.
            "send" => [command, file, "--dataset", argument, "--url", $"http://127.0.0.1:{Emporium.Testing.FreePort.Next()}"],
            _ => [command, argument, "--rows", "1", "--out", dir.Combine("x.csv")],
        };

        var (code, text) = await BatchCli.RunAsync(args);

        Assert.True(code == 2, text);
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Theory]
    [InlineData(new[] { "load", "f.csv", "-d", "orders", "--format", "xml" }, "emporium load: --format: Argument 'xml' not recognized. Must be one of: 'auto', 'csv'")]
    [InlineData(new[] { "load", "f.csv" }, "emporium load: Option '--dataset' is required.")]
    [InlineData(new[] { "catalog", "drop" }, "emporium catalog drop: <name>: Required argument missing")]
    [InlineData(new[] { "generate", "orders", "--rows", "many", "--out", "x.csv" }, "emporium generate: --rows: expected an integer, got 'many'")]
    [InlineData(new[] { "marts", "daily_sales", "--limit", "ten" }, "emporium marts: --limit: expected an integer, got 'ten'")]
    [InlineData(new[] { "dag", "lst" }, "emporium dag: Unrecognized command or argument 'lst'. Commands: list, run,")]
    [InlineData(new[] { "lod" }, "emporium: Unrecognized command or argument 'lod'. Commands: catalog, crawl,")]
    public async Task A_command_line_that_does_not_parse_exits_2_with_one_line_per_error_and_no_help(string[] args, string expected)
    {
        var (code, text) = await BatchCli.RunAsync(args);

        Assert.True(code == 2, text);
        var line = Assert.Single(text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Usage:", text, StringComparison.Ordinal);
    }

    /// <summary>A command of commands given alone (<c>emporium</c>, <c>emporium dag</c>) asks what there is to run: its
    /// help says so, with exit code 2 as any incomplete command line.</summary>
    [Theory]
    [InlineData(new string[0], "emporium [command] [options]", "load")]
    [InlineData(new[] { "dag" }, "emporium dag [command] [options]", "backfill")]
    public async Task A_command_of_commands_alone_shows_its_help(string[] args, string usage, string listed)
    {
        var (code, text) = await BatchCli.RunAsync(args);

        Assert.True(code == 2, text);
        Assert.Contains(usage, text, StringComparison.Ordinal);
        Assert.Contains(listed, text, StringComparison.Ordinal);
    }
}
