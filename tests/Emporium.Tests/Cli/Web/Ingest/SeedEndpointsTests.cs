using System.Net;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web.Ingest;

public class SeedEndpointsTests
{
    [Fact]
    public async Task AmazonProductTakesTheSeedDateAndAnswers201WithTheItem()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        const string item = "{\"asin\":\"B014TMV5YE\",\"price\":139.99,\"date\":\"31\\/12\\/2023 00:00\"}";
        var response = await host.Client.PostAsync("/AmazonProduct", TestHost.Json(item));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("B014TMV5YE", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("asin").GetString());
        var record = CanonicalJson.Deserialize(DatasetCatalog.Products, Assert.Single(log.Messages("products")).Value.Span);
        Assert.Equal(new DateTime(2023, 12, 31, 0, 0, 0, DateTimeKind.Utc), record["observed_at"]);
    }

    [Theory]
    [InlineData("/AmazonProduct", "{\"asin\":\"S\\ud800\",\"date\":\"31\\/12\\/2023 00:00\"}")]
    [InlineData("/Category", "{\"id\":5,\"category_name\\udc00\":\"a\"}")]
    public async Task A_lone_surrogate_escape_is_400_and_a_dead_letter(string path, string item)
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);

        var response = await host.Client.PostAsync(path, TestHost.Json(item));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("not valid text: a \\u escape is half of a UTF-16 surrogate pair", json.GetProperty("detail").GetString());
        Assert.Empty(log.Messages(path == "/Category" ? "categories" : "products"));
        var letter = CanonicalJson.Deserialize(DatasetCatalog.DeadLetters, Assert.Single(log.Messages(DatasetCatalog.DeadLetters.Name)).Value.Span);
        Assert.Equal(item, letter["raw"]);
    }

    /// <summary>The route hands the normalizer its date as an instant under the canonical name; a record rejected after
    /// that is still kept as the client sent it. Before, its dead letter's <c>raw</c> held the rewritten record
    /// (<c>observed_at</c> instead of the seed's <c>date</c>), which the client never sent.</summary>
    [Fact]
    public async Task An_item_rejected_after_its_date_was_read_keeps_its_original_text_as_a_dead_letter()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);
        const string item = "{\"asin\":\"B1\",\"price\":\"abc\",\"Date\":\"31\\/12\\/2023 00:00\"}";

        var response = await host.Client.PostAsync("/AmazonProduct", TestHost.Json(item));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(log.Messages("products"));
        var letter = CanonicalJson.Deserialize(DatasetCatalog.DeadLetters, Assert.Single(log.Messages(DatasetCatalog.DeadLetters.Name)).Value.Span);
        Assert.Equal(item, letter["raw"]);
        Assert.Equal("price", letter["field"]);
    }

    [Fact]
    public async Task BadDateIs400WithTheItemAndNothingAppended()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/AmazonProduct", TestHost.Json("{\"asin\":\"X1\",\"date\":\"2023-12-31\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("X1", json.GetProperty("item").GetProperty("asin").GetString());
        Assert.Equal("date", json.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Empty(log.Messages("products"));
    }

    /// <summary>The seed's date is found whatever the case of its name, as every field name is: checked, and stored as
    /// the observation time.</summary>
    [Fact]
    public async Task The_seed_date_is_checked_whatever_the_case_of_its_name()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());

        var bad = await host.Client.PostAsync("/AmazonProduct", TestHost.Json("{\"asin\":\"X1\",\"Date\":\"2023-12-31\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("date", JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Empty(log.Messages("products"));

        var good = await host.Client.PostAsync("/AmazonProduct", TestHost.Json("{\"asin\":\"X2\",\"DATE\":\"30\\/12\\/2023 18:05\"}"));
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        var record = CanonicalJson.Deserialize(DatasetCatalog.Products, Assert.Single(log.Messages("products")).Value.Span);
        Assert.Equal(new DateTime(2023, 12, 30, 18, 5, 0, DateTimeKind.Utc), record["observed_at"]);
    }

    /// <summary>A body that is not one object is refused naming the body, like every other problem, and appends nothing.</summary>
    [Theory]
    [InlineData("[{\"id\":1,\"category_name\":\"a\"},{\"id\":2,\"category_name\":\"b\"}]", "got an array of 2 values; this route takes one item per request (use /api/v1/ingest/categories for batches)")]
    [InlineData(" [{\"id\":1,\"category_name\":\"a\"}]", "got an array of 1 value; this route takes one item per request (use /api/v1/ingest/categories for batches)")]
    [InlineData("\"Luggage\"", "expected a JSON object, got a string")]
    public async Task A_body_that_is_not_one_object_is_400_naming_the_body(string body, string reason)
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/Category", TestHost.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(reason, json.GetProperty("detail").GetString());
        var error = Assert.Single(json.GetProperty("errors").EnumerateArray());
        Assert.Equal("body", error.GetProperty("field").GetString());
        Assert.Empty(log.Messages("categories"));
    }

    /// <summary>An invalid item's <c>errors</c> hold one entry per bad field, each error as /api/v1/ingest words it
    /// (not every reason joined under the first field's name); <c>detail</c> joins them.</summary>
    [Fact]
    public async Task An_invalid_item_lists_each_bad_field_on_its_own()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);

        var response = await host.Client.PostAsync("/AmazonProduct", TestHost.Json("{\"title\":\"T\",\"price\":\"abc\"}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var errors = json.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("field").GetString(), e.GetProperty("error").GetString())).ToList();
        Assert.Equal([("asin", "required field is missing"), ("price", "expected a number, got \"abc\"")], errors);
        Assert.Equal("asin: required field is missing; price: expected a number, got \"abc\"", json.GetProperty("detail").GetString());
        Assert.Equal("T", json.GetProperty("item").GetProperty("title").GetString());
        Assert.Empty(log.Messages("products"));
    }

    /// <summary>A bad date does not hide the item's other problems: the answer and the dead letter name every bad field,
    /// as for any invalid item, so the client does not fix the date only to meet the price on the next try.</summary>
    [Fact]
    public async Task A_bad_date_is_listed_with_the_other_bad_fields()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, RecordNormalizer.Instance);
        const string item = "{\"asin\":\"B1\",\"price\":\"abc\",\"date\":\"31/13/2023 00:00\"}";

        var response = await host.Client.PostAsync("/AmazonProduct", TestHost.Json(item));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var errors = json.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("field").GetString(), e.GetProperty("error").GetString())).ToList();
        Assert.Equal([("date", "invalid date \"31/13/2023 00:00\": expected DD/MM/YYYY HH:MM"), ("price", "expected a number, got \"abc\"")], errors);
        Assert.Equal("date: invalid date \"31/13/2023 00:00\": expected DD/MM/YYYY HH:MM; price: expected a number, got \"abc\"", json.GetProperty("detail").GetString());
        Assert.Empty(log.Messages("products"));
        var letter = CanonicalJson.Deserialize(DatasetCatalog.DeadLetters, Assert.Single(log.Messages(DatasetCatalog.DeadLetters.Name)).Value.Span);
        Assert.Equal(item, letter["raw"]);
        Assert.Contains("\"price\"", (string)letter["errors"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CategoryAnswers201()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/Category", TestHost.Json("{\"id\":1,\"category_name\":\"Beading & Jewelry Making\"}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Single(log.Messages("categories"));
        var bad = await host.Client.PostAsync("/Category", TestHost.Json("{\"category_name\":\"no id\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Single(log.Messages("categories"));
    }
}
