using Emporium.Cli.Hosting;
using Emporium.Orchestration;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

public class EmporiumConfigurationTests
{
    [Theory]
    [InlineData("{\"Batch\": {\"ChunkRows\": \"abc\"}}", "Batch:ChunkRows is 'abc'", "expected a whole number of at least 1.")]
    [InlineData("{\"Ingest\": {\"MaxLag\": \"1.5\"}}", "Ingest:MaxLag is '1.5'", "expected a whole number of at least 0.")]
    [InlineData("{\"Ingest\": {\"IdempotencyTtl\": \"5 minutes\"}}", "Ingest:IdempotencyTtl is '5 minutes'", "expected a duration like 00:05:00")]
    [InlineData("{\"Batch\": {\"Bulk\": \"maybe\"}}", "Batch:Bulk is 'maybe'", "expected true or false")]
    [InlineData("{\"Processor\": {\"Compaction\": {\"Fanout\": \"x\"}}}", "Processor:Compaction:Fanout is 'x'", "expected a whole number of at least 2.")]
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

    [Theory]
    [InlineData("{\"Batch\": {\"ChunkRows\": -5}}", "Batch:ChunkRows is '-5'", "expected a whole number of at least 1")]
    [InlineData("{\"Port\": 70000}", "Port is '70000'", "expected a whole number from 0 to 65535")]
    [InlineData("{\"Port\": -1}", "Port is '-1'", "expected a whole number from 0 to 65535")]
    [InlineData("{\"Partitions\": 0}", "Partitions is '0'", "expected a whole number of at least 1")]
    [InlineData("{\"Ingest\": {\"IdempotencyTtl\": \"00:00:00\"}}", "Ingest:IdempotencyTtl is '00:00:00'", "expected a duration above zero, like 00:00:30")]
    [InlineData("{\"Ingest\": {\"MaxLag\": -1}}", "Ingest:MaxLag is '-1'", "expected a whole number of at least 0")]
    [InlineData("{\"Auth\": {\"ReloadInterval\": \"-00:00:01\"}}", "Auth:ReloadInterval is '-00:00:01'", "expected a duration of zero or more, like 00:00:30")]
    [InlineData("{\"Processor\": {\"Compaction\": {\"Fanout\": 1}}}", "Processor:Compaction:Fanout is '1'", "expected a whole number of at least 2")]
    [InlineData("{\"Processor\": {\"Compaction\": {\"Interval\": \"00:00:00\"}}}", "Processor:Compaction:Interval is '00:00:00'", "expected a duration above zero")]
    [InlineData("{\"Orchestrator\": {\"Parallelism\": 0}}", "Orchestrator:Parallelism is '0'", "expected a whole number of at least 1")]
    public void A_value_out_of_range_names_the_setting_the_value_its_source_and_what_is_allowed(string json, string setting, string expected)
    {
        using var dir = new TempDir("settings-range");
        File.WriteAllText(dir.Combine("emporium.json"), json);

        var e = Assert.Throws<ConfigurationException>(() => EmporiumConfiguration.Load(dir.Path));

        Assert.StartsWith($"{setting} (in {dir.Combine("emporium.json")}): {expected}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_at_the_edges_of_their_ranges_are_accepted()
    {
        using var dir = new TempDir("settings-range-edges");
        File.WriteAllText(dir.Combine("emporium.json"),
            "{\"Port\": 0, \"Ingest\": {\"MaxLag\": 0}, \"Auth\": {\"ReloadInterval\": \"00:00:00\"}, \"Processor\": {\"LakeFlushInterval\": \"00:00:00\", \"Compaction\": {\"Fanout\": 2}}, \"Orchestrator\": {\"Parallelism\": 1}}");

        var options = EmporiumConfiguration.Load(dir.Path);

        Assert.Equal((0, 0L, TimeSpan.Zero, 2), (options.Port, options.Ingest.MaxLag, options.Auth.ReloadInterval, options.Processor.Compaction.Fanout));
    }

    [Theory]
    [InlineData(typeof(Emporium.Configuration.EmporiumOptions))]
    [InlineData(typeof(OrchestratorOptions))]
    public void Every_number_and_duration_a_setting_binds_has_a_range(Type type)
    {
        var missing = Settings(type, "").Where(p => p.Property.PropertyType is var t && (Nullable.GetUnderlyingType(t) ?? t) is var u
                && (u == typeof(int) || u == typeof(long) || u == typeof(double) || u == typeof(TimeSpan))
                && p.Property.GetCustomAttributes(typeof(Emporium.Configuration.SettingRangeAttribute), false).Length == 0)
            .Select(p => p.Path).ToList();

        Assert.Empty(missing);
    }

    private static IEnumerable<(string Path, System.Reflection.PropertyInfo Property)> Settings(Type type, string prefix)
    {
        foreach (var property in type.GetProperties().Where(p => p.SetMethod is { IsPublic: true }))
        {
            var path = prefix + property.Name;
            yield return (path, property);
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && property.PropertyType.Namespace?.StartsWith("Emporium", StringComparison.Ordinal) == true)
            {
                foreach (var inner in Settings(property.PropertyType, path + ":"))
                {
                    yield return inner;
                }
            }
        }
    }

    [Fact]
    public void A_flag_value_of_the_wrong_kind_says_it_came_from_the_command_line()
    {
        using var dir = new TempDir("settings-flag");

        var e = Assert.Throws<ConfigurationException>(() => EmporiumConfiguration.Load(dir.Path, new Dictionary<string, string?> { ["Port"] = "abc" }));

        // The range the setting takes, not the range of the .NET type it binds to (-2147483648 to 2147483647).
        Assert.StartsWith("Port is 'abc' (from the command line): expected a whole number from 0 to 65535.", e.Message, StringComparison.Ordinal);
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
