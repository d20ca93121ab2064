using System.Net;
using System.Text.Json;
using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

public class EmporiumHostTests
{
    [Fact]
    public async Task NonLoopbackBindWithoutKeysIsRefused()
    {
        using var dir = new TempDir("bind");
        var configuration = EmporiumConfiguration.Build(dir.Path, new Dictionary<string, string?> { ["Bind"] = "0.0.0.0", ["Port"] = "0" });
        var e = await Assert.ThrowsAsync<StartupException>(() =>
            EmporiumHost.StartAsync(EmporiumConfiguration.Bind(configuration), configuration, TextWriter.Null, CancellationToken.None));
        Assert.Contains("without API keys", e.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, "server.json")));
    }

    /// <summary>A server bound to every interface said "listening on http://127.0.0.1:…", as if it served this
    /// machine only; the banner names the address bound and the URLs that reach it, here and from the network.</summary>
    [Fact]
    public async Task The_banner_of_a_server_bound_to_every_interface_says_so_with_urls_that_reach_it()
    {
        using var dir = new TempDir("bindall");
        var port = FreePort.Next();
        var configuration = EmporiumConfiguration.Build(dir.Path, new Dictionary<string, string?> { ["Bind"] = "0.0.0.0", ["Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var options = EmporiumConfiguration.Bind(configuration) with
        {
            Auth = new AuthOptions { Keys = [new ApiKeyEntry { Name = "ops", Hash = Emporium.Cli.Web.Auth.ApiKeyHash.Of("emp_banner"), Scopes = ["admin"] }] },
        };
        var banner = new StringWriter();

        await using (var host = await EmporiumHost.StartAsync(options, configuration, banner, CancellationToken.None, Emporium.Cli.Hosting.Backends.FromInstances(options, new Emporium.Tests.TestSupport.InMemoryEventLog(), null, null, new Emporium.Tests.TestSupport.StrictTestNormalizer())))
        {
            // Clients on this machine (server.json) still get a URL they can connect to.
            Assert.Equal($"http://127.0.0.1:{port}", host.Url);
        }

        var first = banner.ToString().Split('\n')[0];
        Assert.StartsWith($"Emporium listening on 0.0.0.0:{port} (every interface): http://127.0.0.1:{port} on this machine, http://{Dns.GetHostName()}:{port} from the network", first);
        Assert.Contains("auth:      on (1 API key(s))", banner.ToString(), StringComparison.Ordinal);
    }

    /// <summary>A Kafka cluster that does not create the dataset topics (no rights, no controller) ended start-up
    /// with librdkafka's exception and a stack trace; it is a setting the operator must fix, named as such.</summary>
    [Fact]
    public async Task Topics_the_log_cannot_create_stop_start_up_naming_the_setting()
    {
        using var cluster = await KafkaMockCluster.StartAsync(1);
        var log = await Emporium.Log.Kafka.KafkaEventLog.ConnectAsync(new Emporium.Log.Kafka.KafkaLogOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            RequestTimeout = TimeSpan.FromSeconds(1),
        });
        using var dir = new TempDir("notopics");

        var e = await Assert.ThrowsAsync<BackendConfigurationException>(() => Emporium.Tests.Cli.TestHost.StartAsync(log, dataDir: dir.Path));

        Assert.StartsWith($"--log (setting Log): cannot create topic '{Emporium.Datasets.DatasetCatalog.Streamed[0].Name}' (4 partitions) on {cluster.Address}: ", e.Message);
        Assert.Null(DataDirLock.FindOwner(dir.Path));
    }

    /// <summary>Dataset topics whose partition count is not the configured one (partitions added with kafka-topics, or
    /// created by hand with another count) would move keys to other partitions: start-up stops naming the setting, the
    /// topic and both counts, before anything is opened or locked.</summary>
    [Fact]
    public async Task Topics_with_another_partition_count_than_configured_stop_start_up_naming_both()
    {
        using var cluster = await KafkaMockCluster.StartAsync(1);
        cluster.CreateTopics(Emporium.Datasets.DatasetCatalog.Streamed.Select(d => d.Name), 2);
        var log = await Emporium.Log.Kafka.KafkaEventLog.ConnectAsync(new Emporium.Log.Kafka.KafkaLogOptions { BootstrapServers = cluster.BootstrapServers });
        using var dir = new TempDir("repartitioned");

        var e = await Assert.ThrowsAsync<BackendConfigurationException>(() => Emporium.Tests.Cli.TestHost.StartAsync(log, dataDir: dir.Path));

        Assert.StartsWith($"--log (setting Log): topic '{Emporium.Datasets.DatasetCatalog.Streamed[0].Name}' on {cluster.Address} has 2 partitions, but 4 are configured", e.Message);
        Assert.Null(DataDirLock.FindOwner(dir.Path));
    }

    [Theory]
    [InlineData("99999")]
    [InlineData("-1")]
    public async Task A_port_outside_tcp_is_refused_with_a_message_before_anything_opens(string port)
    {
        using var dir = new TempDir("badport");
        var configuration = EmporiumConfiguration.Build(dir.Path, new Dictionary<string, string?> { ["Port"] = port });
        // Settings are checked when bound; options built in code, when the host starts.
        Assert.Equal($"Port is '{port}' (from the command line): expected a whole number from 0 to 65535.",
            Assert.Throws<ConfigurationException>(() => EmporiumConfiguration.Bind(configuration)).Message);
        var options = new EmporiumOptions { DataDir = dir.Path, Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) };
        var e = await Assert.ThrowsAsync<StartupException>(() => EmporiumHost.StartAsync(options, configuration, TextWriter.Null, CancellationToken.None));
        Assert.Equal($"port {port} is not a TCP port: give 1 to 65535 (--port or Port in emporium.json), or 0 for any free one", e.Message);
        Assert.Null(DataDirLock.FindOwner(dir.Path));
    }

    [Fact]
    public async Task APortInUseIsRefusedWithAMessageBeforeAnythingOpens()
    {
        using var dir = new TempDir("port");
        var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var configuration = EmporiumConfiguration.Build(dir.Path, new Dictionary<string, string?> { ["Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var e = await Assert.ThrowsAsync<StartupException>(() =>
                EmporiumHost.StartAsync(EmporiumConfiguration.Bind(configuration), configuration, TextWriter.Null, CancellationToken.None));
            Assert.Contains($"port {port} of 127.0.0.1 is already in use", e.Message);
            Assert.Null(DataDirLock.FindOwner(dir.Path));
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public async Task TheProcessorTakesItsBatchingFromTheProcessorSection()
    {
        using var dir = new TempDir("processor-config");
        var configuration = EmporiumConfiguration.Build(dir.Path, new Dictionary<string, string?>
        {
            ["Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Partitions"] = "3",
            ["Processor:MinBatchInterval"] = "00:00:00.300",
            ["Processor:MaxBatchRecords"] = "777",
            ["Processor:MaxCatchUpBatchRecords"] = "7777",
            ["Processor:Compaction:Fanout"] = "5",
            ["Processor:Compaction:Interval"] = "00:05:00",
        });
        await using var host = await EmporiumHost.StartAsync(EmporiumConfiguration.Bind(configuration), configuration, TextWriter.Null, CancellationToken.None);
        var processor = Assert.IsType<Emporium.Processing.StreamProcessor>(host.App.Services.GetService(typeof(Emporium.Processing.StreamProcessor)));
        Assert.Equal(TimeSpan.FromMilliseconds(300), processor.Options.MinBatchInterval);
        Assert.Equal(777, processor.Options.MaxBatchRecords);
        Assert.Equal(7777, processor.Options.MaxCatchUpBatchRecords);
        Assert.Equal(3, processor.Options.Partitions);
        Assert.Equal((5, TimeSpan.FromMinutes(5), true), (processor.Options.Compaction.Fanout, processor.Options.Compaction.Interval, processor.Options.Compaction.Enabled));
        Assert.Equal(TimeSpan.FromMilliseconds(100), EmporiumConfiguration.Load(dir.Path).Processor.MinBatchInterval);
    }

    [Theory]
    [InlineData("Processor:Compaction:Fanout", "1", "Processor:Compaction:Fanout is '1' (from the command line): expected a whole number of at least 2.")]
    [InlineData("Processor:Compaction:Interval", "00:00:00", "Processor:Compaction:Interval is '00:00:00' (from the command line): expected a duration above zero, like 00:00:30.")]
    [InlineData("Processor:Compaction:TargetBytes", "-5", "Processor:Compaction:TargetBytes is '-5' (from the command line): expected a whole number of at least 1.")]
    public void A_compaction_setting_out_of_range_is_refused_by_name(string key, string value, string message)
    {
        using var dir = new TempDir("compaction-config");
        var e = Assert.Throws<ConfigurationException>(() => EmporiumConfiguration.Load(dir.Path, new Dictionary<string, string?> { [key] = value }));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDataDirHasOneOwnerWhichPublishesItsUrl()
    {
        await using var first = await TestHost.StartAsync(new InMemoryEventLog(), new StrictTestNormalizer());
        var owner = DataDirLock.FindOwner(first.DataDir);
        Assert.NotNull(owner);
        Assert.Equal(first.Host.Url, owner.Url);
        var e = await Assert.ThrowsAsync<StartupException>(() => TestHost.StartAsync(new InMemoryEventLog(), dataDir: first.DataDir));
        Assert.Contains(first.Host.Url, e.Message);
    }

    [Fact]
    public async Task OwnershipEndsWithTheHost()
    {
        using var dir = new TempDir("owner");
        await using (await TestHost.StartAsync(dataDir: dir.Path))
        {
            Assert.NotNull(DataDirLock.FindOwner(dir.Path));
        }
        Assert.Null(DataDirLock.FindOwner(dir.Path));
    }

    [Fact]
    public async Task HealthReportsBackendsAndMissingPieces()
    {
        await using var host = await TestHost.StartAsync(new InMemoryEventLog());
        // Without a normalizer this process cannot ingest, its role: a load balancer must route around it.
        using var response = await host.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("unavailable", health.GetProperty("status").GetString());
        Assert.Equal("memory", health.GetProperty("backends").GetProperty("log").GetString());
        Assert.True(health.GetProperty("unavailable").TryGetProperty("normalizer", out _));
        Assert.False(health.GetProperty("auth").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Fact]
    public async Task Every_operation_of_the_openapi_document_says_what_it_does()
    {
        await using var host = await TestHost.StartAsync(new InMemoryEventLog());
        var paths = JsonDocument.Parse(await host.Client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");

        var operations = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(o => (Name: $"{o.Name.ToUpperInvariant()} {p.Name}", Operation: o.Value))).ToList();

        Assert.Contains(operations, o => o.Name == "DELETE /api/v1/catalog/{name}");
        Assert.Contains(operations, o => o.Name == "GET /api/v1/log");
        var bare = operations.Where(o => !o.Operation.TryGetProperty("summary", out var s) || string.IsNullOrWhiteSpace(s.GetString())).Select(o => o.Name).ToList();
        Assert.True(bare.Count == 0, "no summary: " + string.Join(", ", bare));
    }

    /// <summary>The statuses the document lists are the ones the endpoints answer: the seed routes' 201, the ingest
    /// routes' 422 for a reused Idempotency-Key, the query's 400 for a refused statement, and the query's body.</summary>
    [Fact]
    public async Task The_openapi_document_lists_the_statuses_and_bodies_the_endpoints_answer()
    {
        await using var host = await TestHost.StartAsync(new InMemoryEventLog());
        var document = JsonDocument.Parse(await host.Client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        List<string> Statuses(string path, string method) =>
            paths.GetProperty(path).GetProperty(method).GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();

        foreach (var seed in new[] { "/AmazonProduct", "/Category" })
        {
            Assert.Equal(["201", "400", "413", "415", "422", "429", "503"], Statuses(seed, "post"));
        }
        Assert.Equal(["202", "400", "404", "413", "415", "422", "429", "503"], Statuses("/api/v1/ingest/{dataset}", "post").Order(StringComparer.Ordinal));
        Assert.Contains("application/x-ndjson", paths.GetProperty("/api/v1/ingest/{dataset}").GetProperty("post").GetProperty("requestBody").GetProperty("content").EnumerateObject().Select(c => c.Name));
        Assert.Equal(["200", "400", "503", "507"], Statuses("/api/v1/query", "post"));
        var query = paths.GetProperty("/api/v1/query").GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        if (query.TryGetProperty("$ref", out var reference))
        {
            query = document.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1]);
        }
        Assert.Equal(["sql", "maxRows"], query.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["200", "400", "404", "500", "503", "504", "507"], Statuses("/api/v1/marts/{name}", "get"));
    }

    [Fact]
    public void BackendAddressesPickSchemes()
    {
        var options = new EmporiumOptions { DataDir = "/data", Log = "kafka://broker:9092", Lake = "/mnt/lake", Warehouse = null };
        Assert.Equal("kafka", BackendAddresses.ForLog(options).Scheme);
        var lake = BackendAddresses.ForLake(options);
        Assert.Equal(("file", "/mnt/lake"), (lake.Scheme, lake.Path));
        var warehouse = BackendAddresses.ForWarehouse(options);
        Assert.Equal(("duckdb", "/data/warehouse.duckdb"), (warehouse.Scheme, warehouse.Path));
        Assert.Equal("embedded", BackendAddresses.ForLog(options with { Log = null }).Scheme);
    }

    [Fact]
    public async Task AnExplicitBackendWithoutFactoryFailsStartupClearly()
    {
        using var dir = new TempDir("kafka");
        var configuration = EmporiumConfiguration.Build(dir.Path, new Dictionary<string, string?> { ["Log"] = "nosuch://x:1", ["Port"] = "0" });
        var e = await Assert.ThrowsAsync<StartupException>(() =>
            EmporiumHost.StartAsync(EmporiumConfiguration.Bind(configuration), configuration, TextWriter.Null, CancellationToken.None));
        Assert.Contains("log backend 'nosuch' not available", e.Message);
        Assert.Null(DataDirLock.FindOwner(dir.Path));
    }
}
