using Emporium.Cli.Hosting;
using Emporium.Orchestration;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

public class EmporiumConfigurationTests
{
    [Theory]
    [InlineData("{\"Batch\": {\"ChunkRows\": \"abc\"}}", "Batch:ChunkRows is 'abc'", "expected a whole number from -2147483648 to 2147483647")]
    [InlineData("{\"Ingest\": {\"MaxLag\": \"1.5\"}}", "Ingest:MaxLag is '1.5'", "expected a whole number from")]
    [InlineData("{\"Ingest\": {\"IdempotencyTtl\": \"5 minutes\"}}", "Ingest:IdempotencyTtl is '5 minutes'", "expected a duration like 00:05:00")]
    [InlineData("{\"Batch\": {\"Bulk\": \"maybe\"}}", "Batch:Bulk is 'maybe'", "expected true or false")]
    [InlineData("{\"Processor\": {\"Compaction\": {\"Fanout\": \"x\"}}}", "Processor:Compaction:Fanout is 'x'", "expected a whole number")]
    public void A_value_of_the_wrong_kind_in_the_file_names_the_setting_the_value_and_what_is_expected(string json, string setting, string expected)
    {
        using var dir = new TempDir("settings-kind");
        File.WriteAllText(dir.Combine("emporium.json"), json);

        var e = Assert.Throws<ConfigurationException>(() => EmporiumConfiguration.Load(dir.Path));

        Assert.Contains(setting, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains($"in {dir.Combine("emporium.json")}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flag_value_of_the_wrong_kind_says_it_came_from_the_command_line()
    {
        using var dir = new TempDir("settings-flag");

        var e = Assert.Throws<ConfigurationException>(() => EmporiumConfiguration.Load(dir.Path, new Dictionary<string, string?> { ["Port"] = "abc" }));

        Assert.StartsWith("Port is 'abc' (from the command line): expected a whole number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_section_bound_on_its_own_names_its_full_path()
    {
        using var dir = new TempDir("settings-section");
        File.WriteAllText(dir.Combine("emporium.json"), "{\"Orchestrator\": {\"Parallelism\": \"lots\"}}");

        var e = Assert.Throws<ConfigurationException>(() =>
            EmporiumConfiguration.Get<OrchestratorOptions>(EmporiumConfiguration.Build(dir.Path), "Orchestrator"));

        Assert.StartsWith($"Orchestrator:Parallelism is 'lots' (in {dir.Combine("emporium.json")}): expected a whole number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_enum_setting_lists_its_names()
    {
        using var dir = new TempDir("settings-enum");
        File.WriteAllText(dir.Combine("emporium.json"), "{\"Mode\": \"sideways\"}");

        var e = Assert.Throws<ConfigurationException>(() => EmporiumConfiguration.Get<EnumSettings>(EmporiumConfiguration.Build(dir.Path)));

        Assert.Contains("Mode is 'sideways'", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected one of Upsert, Append", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_item_of_the_wrong_kind_is_named_by_its_index()
    {
        using var dir = new TempDir("settings-enum-list");
        File.WriteAllText(dir.Combine("emporium.json"), "{\"Modes\": [\"Append\", \"upwards\"]}");

        var e = Assert.Throws<ConfigurationException>(() => EmporiumConfiguration.Get<EnumSettings>(EmporiumConfiguration.Build(dir.Path)));

        Assert.Contains("Modes:1 is 'upwards'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_of_the_right_kind_still_bind()
    {
        using var dir = new TempDir("settings-ok");
        File.WriteAllText(dir.Combine("emporium.json"), "{\"Batch\": {\"ChunkRows\": 500, \"Bulk\": \"FALSE\"}, \"Ingest\": {\"IdempotencyTtl\": \"00:05:00\"}}");

        var options = EmporiumConfiguration.Load(dir.Path);

        Assert.Equal((500, false, TimeSpan.FromMinutes(5)), (options.Batch.ChunkRows, options.Batch.Bulk, options.Ingest.IdempotencyTtl));
    }

    public sealed record EnumSettings
    {
        public Emporium.Datasets.WriteMode Mode { get; init; }

        public IReadOnlyList<Emporium.Datasets.WriteMode> Modes { get; init; } = [];
    }
}
