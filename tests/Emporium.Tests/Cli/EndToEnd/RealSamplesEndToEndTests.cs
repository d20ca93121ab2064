using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Emporium.Cli.Commands;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Tests.TestSupport;
using Sylvan.Data.Csv;

namespace Emporium.Tests.Cli.EndToEnd;

/// <summary>The real samples through the whole stream path (HTTP → log → processor → warehouse → marts) of an
/// in-process <c>emporium up</c>; each mart is checked against a computation over the raw files written here. This
/// class runs it on the embedded defaults; subclasses run the same test on other backends.</summary>
[Collection(HeavyEndToEnd.Name)]
public class RealSamplesEndToEndTests
{
    /// <summary>Configuration added to the host's (e.g. <c>Log</c>, <c>Lake</c>, <c>Warehouse</c> addresses).</summary>
    protected virtual Task<Dictionary<string, string?>> BackendSettingsAsync() => Task.FromResult(new Dictionary<string, string?>());

    [Fact]
    public async Task MartsEqualIndependentComputationsOverTheRawFiles()
    {
        using var dir = new TempDir("e2e");
        var settings = await BackendSettingsAsync();
        settings["Port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture);
        var configuration = EmporiumConfiguration.Build(dir.Path, settings);
        await using var host = await EmporiumHost.StartAsync(EmporiumConfiguration.Bind(configuration), configuration, TextWriter.Null, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri(host.Url + "/"), Timeout = TimeSpan.FromMinutes(2) };

        // CSV files through the send client, the seed's JSON lines through its own routes, one item per request.
        await Send(http, SampleData.ProductsCsv, "products");
        await Send(http, SampleData.CategoriesCsv, "categories");
        await Send(http, SampleData.OnlineRetail, "orders");
        await Send(http, SampleData.McAuleyReviews, "reviews");
        await PostEachAsync(http, "/AmazonProduct", SampleData.ProductsJsonLines);
        await PostEachAsync(http, "/Category", SampleData.CategoriesJsonLines);
        await WaitForProcessorAsync(http);

        // products and categories: LINQ over the CSVs.
        var products = ReadCsv(SampleData.ProductsCsv);
        var categories = ReadCsv(SampleData.CategoriesCsv).ToDictionary(r => long.Parse(r["id"]!, CultureInfo.InvariantCulture), r => r["category_name"]);
        var perCategory = products.GroupBy(p => long.Parse(p["category_id"]!, CultureInfo.InvariantCulture))
            .ToDictionary(g => g.Key, g => (Name: categories.GetValueOrDefault(g.Key), Count: (long)g.Count()));
        var categoryMart = await MartAsync(http, "category_distribution");
        Assert.Equal(perCategory.Count, categoryMart.Count);
        foreach (var row in categoryMart)
        {
            var expected = perCategory[row[0].GetInt64()];
            Assert.Equal(expected.Name, row[1].GetString());
            Assert.Equal(expected.Count, row[2].GetInt64());
        }

        // price_distribution: pandas cut(bins=range(0,300,5)) intervals (low, high], plus <= 0 and > 295.
        var prices = products.Select(p => double.Parse(p["price"]!, CultureInfo.InvariantCulture)).ToList();
        var expectedBins = prices.GroupBy(p => p <= 0 ? (double?)null : p > 295 ? 295 : Math.Ceiling(p / 5) * 5 - 5)
            .ToDictionary(g => g.Key?.ToString(CultureInfo.InvariantCulture) ?? "null", g => (long)g.Count());
        var priceMart = (await MartAsync(http, "price_distribution")).Where(r => r[2].GetInt64() > 0)
            .ToDictionary(r => r[0].ValueKind == JsonValueKind.Null ? "null" : r[0].GetDouble().ToString(CultureInfo.InvariantCulture), r => r[2].GetInt64());
        Assert.Equal(expectedBins.OrderBy(kv => kv.Key), priceMart.OrderBy(kv => kv.Key));

        // orders: seed 003's cleaning (drop rows missing customer, date or description; country lower-cased, trimmed).
        var orders = ReadCsv(SampleData.OnlineRetail)
            .Where(r => !string.IsNullOrWhiteSpace(r["CustomerID"]) && !string.IsNullOrWhiteSpace(r["InvoiceDate"]) && !string.IsNullOrWhiteSpace(r["Description"]))
            .Select(r => (Country: r["Country"]!.Trim().ToLowerInvariant(), Customer: (long)double.Parse(r["CustomerID"]!, CultureInfo.InvariantCulture),
                Amount: long.Parse(r["Quantity"]!, CultureInfo.InvariantCulture) * double.Parse(r["UnitPrice"]!, CultureInfo.InvariantCulture)))
            .ToList();
        var byCountry = orders.GroupBy(o => o.Country).Select(g => (Key: g.Key, Total: Math.Round(g.Sum(o => o.Amount), 2)))
            .OrderByDescending(x => x.Total).ThenBy(x => x.Key, StringComparer.Ordinal).Take(10).ToList();
        var countryMart = await MartAsync(http, "sales_by_country");
        Assert.Equal(byCountry.Select(x => x.Key), countryMart.Select(r => r[0].GetString()));
        Assert.All(byCountry.Zip(countryMart), p => Assert.Equal(p.First.Total, p.Second[1].GetDouble(), 2));
        var byCustomer = orders.GroupBy(o => o.Customer).Select(g => (Key: g.Key, Total: Math.Round(g.Sum(o => o.Amount), 2)))
            .OrderByDescending(x => x.Total).ThenBy(x => x.Key).Take(10).ToList();
        var customerMart = await MartAsync(http, "top_customers");
        Assert.Equal(byCustomer.Select(x => x.Key), customerMart.Select(r => r[0].GetInt64()));
        Assert.All(byCustomer.Zip(customerMart), p => Assert.Equal(p.First.Total, p.Second[1].GetDouble(), 2));

        // reviews: one review per (product, reviewer, time, summary, text) — an exact resend is the same review —
        // the last one sent winning, counted per star rating.
        static string Text(JsonElement r, string name) => r.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        var reviews = File.ReadLines(SampleData.McAuleyReviews).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(r => (Id: string.Join('\u001f', r.GetProperty("asin").GetString(), r.GetProperty("reviewerID").GetString(), r.GetProperty("unixReviewTime").GetInt64(), Text(r, "summary"), Text(r, "reviewText")),
                Rating: (long)r.GetProperty("overall").GetDouble()))
            .GroupBy(r => r.Id).Select(g => g.Last())
            .GroupBy(r => r.Rating).ToDictionary(g => g.Key, g => (long)g.Count());
        var ratingMart = (await MartAsync(http, "review_ratings")).ToDictionary(r => r[0].GetInt64(), r => r[1].GetInt64());
        Assert.Equal(reviews.OrderBy(kv => kv.Key), ratingMart.OrderBy(kv => kv.Key));
    }

    private static async Task Send(HttpClient http, string path, string dataset)
    {
        using var file = await SendFileReader.OpenAsync(path, Emporium.Batch.Formats.ReadSettings.Default, CancellationToken.None);
        var summary = await SendCommand.SendAsync(http, file, dataset, 1000, TextWriter.Null, CancellationToken.None);
        Assert.Equal(0, summary.Rejected);
        Assert.True(summary.Accepted > 0);
    }

    private static async Task PostEachAsync(HttpClient http, string route, string path)
    {
        var lines = File.ReadLines(path).Where(l => l.Length > 0).ToList();
        await Parallel.ForEachAsync(lines, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (line, ct) =>
        {
            using var response = await http.PostAsync(route.TrimStart('/'), new StringContent(line, Encoding.UTF8, "application/json"), ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });
    }

    private static async Task WaitForProcessorAsync(HttpClient http)
    {
        // Every ingest request reads the lag before it appends, and the reading is served for a moment after: one taken
        // before the last records were appended could say "no lag" while they waited. Only a request made after that
        // moment has passed is sure to get a reading that counts them.
        var sent = DateTime.UtcNow;
        var deadline = sent + TimeSpan.FromSeconds(120);
        while (true)
        {
            var asked = DateTime.UtcNow;
            var body = await http.GetStringAsync("api/v1/datasets");
            var datasets = JsonDocument.Parse(body).RootElement.GetProperty("datasets").EnumerateArray().ToList();
            if (asked - sent > Emporium.Ingest.LagMonitor.CacheFor
                && datasets.All(d => d.GetProperty("log").GetProperty("lag") is { ValueKind: JsonValueKind.Number } lag && lag.GetInt64() == 0))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the processor did not catch up within two minutes: {string.Join("; ", datasets.Select(d => $"{d.GetProperty("name")}: rows {d.GetProperty("rows")}, log {d.GetProperty("log")}"))}");
            await Task.Delay(200);
        }
    }

    /// <summary>Rows of a mart; without a limit, rankings come back as their top 10 and distributions whole.</summary>
    private static async Task<List<JsonElement[]>> MartAsync(HttpClient http, string name, int? limit = null)
    {
        var json = JsonDocument.Parse(await http.GetStringAsync($"api/v1/marts/{name}{(limit is { } l ? $"?limit={l}" : "")}")).RootElement;
        return json.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToList();
    }

    private static List<Dictionary<string, string?>> ReadCsv(string path)
    {
        using var csv = CsvDataReader.Create(path);
        var rows = new List<Dictionary<string, string?>>();
        while (csv.Read())
        {
            var row = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < csv.FieldCount; i++)
            {
                row[csv.GetName(i)] = csv.GetString(i) is { Length: > 0 } v ? v : null;
            }
            rows.Add(row);
        }
        return rows;
    }
}
