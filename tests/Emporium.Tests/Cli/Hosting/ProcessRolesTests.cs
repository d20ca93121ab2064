using System.Net;
using System.Text;
using System.Text.Json;
using Emporium.Cli.Hosting;
using Emporium.Datasets;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Emporium.Tests.Cli.Hosting;

/// <summary><c>--role</c>: the setting's syntax, which endpoints and background services each role hosts, and the
/// start-up refusal of a split on backends only one process can use.</summary>
public class ProcessRolesTests
{
    [Theory]
    [InlineData(null, ProcessRoles.All)]
    [InlineData("", ProcessRoles.All)]
    [InlineData("ALL", ProcessRoles.All)]
    [InlineData("ingest", ProcessRoles.Ingest)]
    [InlineData("processor, scheduler", ProcessRoles.Processor | ProcessRoles.Scheduler)]
    [InlineData("ingest,processor,scheduler", ProcessRoles.All)]
    [InlineData("processor,processor", ProcessRoles.Processor)]
    public void RoleSettingIsACommaList(string? value, ProcessRoles expected)
    {
        Assert.Equal(expected, ProcessRoleSetting.Parse(value));
    }

    [Fact]
    public void AnUnknownRoleIsRefusedByName()
    {
        var e = Assert.Throws<StartupException>(() => ProcessRoleSetting.Parse("ingest,worker"));
        Assert.Equal("--role (setting Role): unknown role 'worker' (roles: all, ingest, processor, scheduler)", e.Message);
    }

    [Fact]
    public void RoleComesFromTheFileAndFlagsOverrideIt()
    {
        using var dir = new TempDir("role-config");
        File.WriteAllText(dir.Combine("emporium.json"), """{"Role": "processor"}""");
        Assert.Equal(ProcessRoles.Processor, EmporiumConfiguration.Load(dir.Path).RolesOf());
        Assert.Equal(ProcessRoles.Ingest | ProcessRoles.Scheduler,
            EmporiumConfiguration.Load(dir.Path, new Dictionary<string, string?> { ["Role"] = "scheduler,ingest" }).RolesOf());
    }

    [Theory]
    [InlineData("ingest")]
    [InlineData("processor")]
    [InlineData("scheduler")]
    [InlineData("all")]
    public async Task EachRoleServesOnlyItsEndpointsAndServices(string role)
    {
        var roles = ProcessRoleSetting.Parse(role);
        await using var host = await TestHost.StartAsync(new InMemoryEventLog(), RecordNormalizer.Instance, configure: o => o with { Role = role });

        // Real UCI orders; the ingest endpoint exists only where the ingest role runs.
        var orders = SampleRows.Csv(SampleData.OnlineRetail).Take(3).Select(r => JsonSerializer.Serialize(r)).ToList();
        using var ingest = await host.Client.PostAsync("/api/v1/ingest/orders", new StringContent(string.Join('\n', orders), Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(roles.HasFlag(ProcessRoles.Ingest) ? HttpStatusCode.Accepted : HttpStatusCode.NotFound, ingest.StatusCode);
        using var dags = await host.Client.GetAsync("/api/v1/dags");
        Assert.Equal(roles.HasFlag(ProcessRoles.Scheduler) ? HttpStatusCode.OK : HttpStatusCode.NotFound, dags.StatusCode);
        using var marts = await host.Client.GetAsync("/api/v1/datasets");
        Assert.Equal(roles.HasFlag(ProcessRoles.Ingest) ? HttpStatusCode.OK : HttpStatusCode.NotFound, marts.StatusCode);
        using var replay = await host.Client.PostAsync("/api/v1/replay", new StringContent("""{"dataset":"orders","fromOffset":0}""", Encoding.UTF8, "application/json"));
        // No lake or warehouse here, so the processor role has no processor to replay with: 503, not 404.
        Assert.Equal(roles.HasFlag(ProcessRoles.Processor) ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.NotFound, replay.StatusCode);
        if (!roles.HasFlag(ProcessRoles.Ingest))
        {
            var problem = JsonDocument.Parse(await ingest.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal($"No endpoint at POST /api/v1/ingest/orders in this process (role {role}): ingest, batch loads and the read APIs are served by --role ingest.",
                problem.GetProperty("detail").GetString());
        }

        // Health and metrics everywhere, saying which role answers; ingest counters only where ingest runs. Without a
        // lake or warehouse only ingest can work, so a processor or scheduler alone says it cannot do its role.
        using var healthResponse = await host.Client.GetAsync("/health");
        var health = JsonDocument.Parse(await healthResponse.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(role, health.GetProperty("role").GetString());
        Assert.Equal(roles.HasFlag(ProcessRoles.Ingest) ? (HttpStatusCode.OK, "degraded") : (HttpStatusCode.ServiceUnavailable, "unavailable"),
            (healthResponse.StatusCode, health.GetProperty("status").GetString()));
        var metrics = await host.Client.GetStringAsync("/metrics");
        Assert.Equal(roles.HasFlag(ProcessRoles.Ingest), metrics.Contains("emporium_ingest_records_accepted_total 3", StringComparison.Ordinal));

        var hosted = host.Host.App.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        Assert.Equal(roles.HasFlag(ProcessRoles.Processor), hosted.Contains(typeof(StreamProcessorHostedService)));
        Assert.Equal(roles.HasFlag(ProcessRoles.Scheduler), hosted.Contains(typeof(OrchestratorHostedService)));
        Assert.Equal(roles.HasFlag(ProcessRoles.Scheduler), hosted.Contains(typeof(LandingWatcher)));
    }

    [Fact]
    public async Task ASplitOnEmbeddedBackendsIsRefusedNamingEachOfThem()
    {
        using var dir = new TempDir("split-embedded");
        var configuration = EmporiumConfiguration.Build(dir.Path, new Dictionary<string, string?> { ["Role"] = "processor", ["Port"] = "0" });
        var e = await Assert.ThrowsAsync<StartupException>(() =>
            EmporiumHost.StartAsync(EmporiumConfiguration.Bind(configuration), configuration, TextWriter.Null, CancellationToken.None));
        Assert.StartsWith("--role processor (setting Role): the other roles run in other processes", e.Message, StringComparison.Ordinal);
        Assert.Contains($"--log embedded:{dir.Combine("log")}, --lake file:{dir.Combine("lake")}, --warehouse duckdb:{dir.Combine("warehouse.duckdb")} can only be used by one process", e.Message, StringComparison.Ordinal);
        // Refused before anything was opened or locked.
        Assert.False(File.Exists(dir.Combine("warehouse.duckdb")));
        Assert.False(Directory.Exists(dir.Combine("log")));
        Assert.Null(DataDirLock.FindOwner(dir.Path));
    }

    [Fact]
    public async Task ASplitNamesOnlyTheBackendsThatCannotBeShared()
    {
        using var dir = new TempDir("split-mixed");
        var configuration = EmporiumConfiguration.Build(dir.Path, new Dictionary<string, string?>
        {
            ["Role"] = "ingest,scheduler",
            ["Port"] = "0",
            ["Lake"] = "s3://bucket/prefix",
            ["Warehouse"] = "postgres://app:secret@127.0.0.1:1/shop",
        });
        var e = await Assert.ThrowsAsync<StartupException>(() =>
            EmporiumHost.StartAsync(EmporiumConfiguration.Bind(configuration), configuration, TextWriter.Null, CancellationToken.None));
        Assert.Contains($"--role ingest,scheduler (setting Role)", e.Message, StringComparison.Ordinal);
        Assert.Contains($"but --log embedded:{dir.Combine("log")} can only be used by one process", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSameDataDirForTwoProcessesIsRefusedWithTheFix()
    {
        await using var first = await TestHost.StartAsync(new InMemoryEventLog(), configure: o => o with { Role = "processor" });
        var e = await Assert.ThrowsAsync<StartupException>(() => TestHost.StartAsync(new InMemoryEventLog(), dataDir: first.DataDir, configure: o => o with { Role = "processor" }));
        Assert.Contains(first.Host.Url, e.Message, StringComparison.Ordinal);
        Assert.Contains("every Emporium process needs a data dir of its own (--data)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoDataNeedsTheIngestRole()
    {
        using var dir = new TempDir("role-demo");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(90), "--demo", "--role", "processor"));
        Assert.StartsWith("server exited with 2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("emporium up: --demo sends its data through ingest: run it with --role all or a role list that includes ingest", e.Message, StringComparison.Ordinal);
    }
}
