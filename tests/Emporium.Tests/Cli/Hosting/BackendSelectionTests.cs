using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Npgsql;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>Backends chosen without flags: from <c>emporium.json</c> and from <c>EMPORIUM__LOG</c> /
/// <c>EMPORIUM__LAKE</c> / <c>EMPORIUM__WAREHOUSE</c> / <c>EMPORIUM__ROLE</c>, with flags over the environment over
/// the file. Each case is a real <c>emporium up</c> child process, so the environment is the child's alone.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BackendSelectionTests(PostgresServer postgres, MotoServer moto) : IClassFixture<MotoServer>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task BackendsFromEmporiumJsonCarryRealOrdersIntoPostgresAndS3()
    {
        using var dir = new TempDir("select-file");
        var database = await postgres.CreateDatabaseAsync("selectfile");
        var bucket = await moto.CreateBucketAsync("select-file");
        await File.WriteAllTextAsync(dir.Combine("emporium.json"), JsonSerializer.Serialize(new
        {
            Warehouse = postgres.AddressFor(database),
            Lake = moto.AddressFor(bucket),
        }));
        await using var server = await ServerProcess.StartAsync(dir.Path, StartTimeout);
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(1) };
        var backends = JsonDocument.Parse(await http.GetStringAsync("/health")).RootElement.GetProperty("backends");
        Assert.Equal(postgres.AddressFor(database), backends.GetProperty("warehouse").GetString());
        Assert.Equal($"s3://{bucket}/lake", backends.GetProperty("lake").GetString());

        // Real UCI rows as the seed's JSON; what the 202 accepted must reach PostgreSQL, quantities and all.
        var rows = SampleRows.Csv(SampleData.OnlineRetail).Take(300).ToList();
        using var response = await http.PostAsync("/api/v1/ingest/orders",
            new StringContent(string.Join('\n', rows.Select(r => JsonSerializer.Serialize(r))), Encoding.UTF8, "application/x-ndjson"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var rejected = body.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("index").GetInt32()).ToHashSet();
        var accepted = rows.Where((_, i) => !rejected.Contains(i)).ToList();
        Assert.Equal(accepted.Count, body.GetProperty("accepted").GetInt32());
        Assert.True(accepted.Count > 250, $"only {accepted.Count} of 300 real orders accepted");

        var (count, quantity) = await WaitForOrdersAsync(database, accepted.Count, server);
        Assert.Equal(accepted.Count, count);
        Assert.Equal(accepted.Sum(r => long.Parse(r["Quantity"]!, CultureInfo.InvariantCulture)), quantity);
        // The manifest is published just after the commit that made the rows visible (a crash in between is repaired
        // by recovery), so it may trail the rows by a moment.
        using var s3 = moto.CreateClient();
        var published = Stopwatch.StartNew();
        List<S3Object> manifests;
        while ((manifests = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "lake/_manifests/orders/" })).S3Objects ?? []).Count == 0
            && published.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(100);
        }
        Assert.NotEmpty(manifests);
        Assert.False(File.Exists(dir.Combine("warehouse.duckdb")));
        Assert.False(Directory.Exists(dir.Combine("lake")));
    }

    [Fact]
    public async Task TheEnvironmentOverridesTheFileAndFlagsOverrideTheEnvironment()
    {
        using var dir = new TempDir("select-env");
        var database = await postgres.CreateDatabaseAsync("selectenv");
        var bucket = await moto.CreateBucketAsync("select-env");
        await File.WriteAllTextAsync(dir.Combine("emporium.json"), JsonSerializer.Serialize(new
        {
            Log = "embedded:" + dir.Combine("file-log"),
            Lake = dir.Combine("file-lake"),
            Warehouse = "duckdb:" + dir.Combine("file.duckdb"),
            Role = "processor",
        }));
        var environment = new Dictionary<string, string>
        {
            ["EMPORIUM__LOG"] = "embedded:" + dir.Combine("env-log"),
            ["EMPORIUM__LAKE"] = moto.AddressFor(bucket),
            ["EMPORIUM__WAREHOUSE"] = postgres.AddressFor(database),
            ["EMPORIUM__ROLE"] = "scheduler",
        };
        await using var server = await ServerProcess.StartAsync(dir.Path, StartTimeout, environment, "--lake", dir.Combine("flag-lake"), "--role", "ingest", "--role", "processor,scheduler");
        using var http = new HttpClient { BaseAddress = new Uri(server.Url) };
        var health = JsonDocument.Parse(await http.GetStringAsync("/health")).RootElement;
        Assert.Equal("all", health.GetProperty("role").GetString());
        var backends = health.GetProperty("backends");
        Assert.Equal("embedded:" + dir.Combine("env-log"), backends.GetProperty("log").GetString());
        Assert.Equal(postgres.AddressFor(database), backends.GetProperty("warehouse").GetString());
        Assert.Equal("file:" + dir.Combine("flag-lake"), backends.GetProperty("lake").GetString());
        Assert.False(File.Exists(dir.Combine("file.duckdb")));
        Assert.False(Directory.Exists(dir.Combine("file-log")));
    }

    [Fact]
    public async Task AnEnvironmentRoleOverridesTheFileAndASplitOnEmbeddedBackendsExitsWithTheReason()
    {
        using var dir = new TempDir("select-role");
        await File.WriteAllTextAsync(dir.Combine("emporium.json"), """{"Role": "processor"}""");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerProcess.StartAsync(dir.Path, StartTimeout, new Dictionary<string, string> { ["EMPORIUM__ROLE"] = "scheduler" }));
        Assert.StartsWith("server exited with 2:", e.Message, StringComparison.Ordinal);
        Assert.Contains("emporium up: --role scheduler (setting Role): the other roles run in other processes", e.Message, StringComparison.Ordinal);
        Assert.Contains("can only be used by one process", e.Message, StringComparison.Ordinal);
    }

    private static async Task<(long Count, long Quantity)> WaitForOrdersAsync(string database, int expected, ServerProcess server)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var command = new NpgsqlCommand("SELECT count(*), coalesce(sum(quantity), 0)::bigint FROM orders", connection);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                var result = (reader.GetInt64(0), reader.GetInt64(1));
                if (result.Item1 >= expected || DateTime.UtcNow > deadline)
                {
                    return result.Item1 >= expected ? result : throw new TimeoutException($"{result.Item1} of {expected} orders in PostgreSQL after 60 s: {server.Output}");
                }
            }
            await Task.Delay(200);
        }
    }
}
