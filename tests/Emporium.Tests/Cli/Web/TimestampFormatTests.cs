using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Emporium.Alerts;
using Emporium.Testing;

namespace Emporium.Tests.Cli.Web;

/// <summary>Every instant the HTTP API writes is ISO 8601 in UTC with a <c>Z</c>, whichever store it came from
/// (warehouse columns, the orchestrator's journal, the host's clock), so a client parses one format.</summary>
public sealed partial class TimestampFormatTests
{
    [Fact]
    public async Task Every_endpoint_writes_instants_in_utc_with_a_z()
    {
        await using var host = await TestHost.StartEmbeddedAsync();
        var sent = await host.Client.PostAsync("/api/v1/ingest/categories", new StringContent("""{"id": 1, "category_name": "Toys"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var rejected = await host.Client.PostAsync("/api/v1/ingest/categories", new StringContent("""[{"id": 2, "category_name": "Games"}, {"category_name": "no id"}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, rejected.StatusCode);
        using var loaded = await host.Client.PostAsJsonAsync("/api/v1/load", new { paths = new[] { SampleData.CategoriesCsv }, dataset = "categories" });
        Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
        var before = new Dictionary<string, ProductObservation> { ["A"] = new("A", "Alpha", 10, true, 10) };
        var after = new Dictionary<string, ProductObservation> { ["A"] = new("A", "Alpha", 15, true, 10) };
        await new AlertStore(host.Host.Backends.RequireWarehouse()).SaveNewAsync(
            AlertDetector.Detect("seller:S", before, after, true, new DateOnly(2024, 9, 16), DateTimeOffset.UtcNow, new AlertOptions()), [], CancellationToken.None);
        using var run = await host.Client.PostAsync("/api/v1/dags/retail_lake/runs", TestHost.Json("{\"date\":\"2024-01-01\"}"));
        Assert.Equal(HttpStatusCode.Created, run.StatusCode);
        await WaitForAsync(host, "/api/v1/datasets/categories", d => d.GetProperty("freshness").GetProperty("lastLoadedAt").ValueKind == JsonValueKind.String);
        // The rejected record reaches dead_letters through its own topic, on the processor's time, not the load's.
        await WaitForAsync(host, "/api/v1/deadletters", d => d.GetProperty("deadletters").GetArrayLength() > 0);

        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in new[]
                 {
                     "/health", "/api/v1/datasets", "/api/v1/datasets/categories", "/api/v1/deadletters", "/api/v1/alerts",
                     "/api/v1/catalog", "/api/v1/catalog/categories", "/api/v1/dags", "/api/v1/dags/retail_lake",
                     "/api/v1/dags/retail_lake/runs", "/api/v1/dags/retail_lake/runs/2024-01-01", "/api/v1/log", "/api/v1/lake",
                 })
        {
            using var document = JsonDocument.Parse(await host.Client.GetStringAsync(path));
            Collect(document.RootElement, path, seen);
        }

        // The endpoints that used to differ are among those scanned: the test cannot pass on an empty answer.
        Assert.Contains(seen.Keys, k => k.StartsWith("/api/v1/alerts", StringComparison.Ordinal) && k.EndsWith("detectedAt", StringComparison.Ordinal));
        Assert.Contains(seen.Keys, k => k.StartsWith("/api/v1/catalog", StringComparison.Ordinal) && k.EndsWith("lastLoad", StringComparison.Ordinal));
        Assert.Contains(seen.Keys, k => k.StartsWith("/api/v1/datasets", StringComparison.Ordinal) && k.EndsWith("lastLoadedAt", StringComparison.Ordinal));
        Assert.Contains(seen.Keys, k => k.StartsWith("/api/v1/dags/retail_lake/runs", StringComparison.Ordinal) && k.EndsWith("queuedAt", StringComparison.Ordinal));
        Assert.Contains(seen.Keys, k => k.StartsWith("/api/v1/deadletters", StringComparison.Ordinal));
        var other = seen.Where(kv => !UtcInstant().IsMatch(kv.Value)).Select(kv => $"{kv.Key} = {kv.Value}").ToList();
        Assert.True(other.Count == 0, string.Join("\n", other));
    }

    /// <summary>Every string holding a date with a time of day, by its JSON path.</summary>
    private static void Collect(JsonElement element, string path, Dictionary<string, string> seen)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, $"{path}.{property.Name}", seen);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, $"{path}[{i++}]", seen);
                }
                break;
            case JsonValueKind.String when Instant().IsMatch(element.GetString()!):
                seen[path] = element.GetString()!;
                break;
        }
    }

    private static async Task WaitForAsync(TestHost host, string path, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            using var document = JsonDocument.Parse(await host.Client.GetStringAsync(path));
            if (done(document.RootElement))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{path} did not get there in 90 s: {document.RootElement}");
            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")]
    private static partial Regex Instant();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?Z$")]
    private static partial Regex UtcInstant();
}
