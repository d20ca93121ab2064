using System.Globalization;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Datasets;

/// <summary>Every real sample normalizes; expected numbers are computed here from the raw files, independently of the
/// normalizer's parsers.</summary>
public sealed class RecordNormalizerSampleTests
{
    private static readonly RecordNormalizer Normalizer = RecordNormalizer.Instance;

    [Fact]
    public void ProductsCsvNormalizesEveryRowWithZeroListPriceAsNull()
    {
        var rows = SampleRows.Csv(SampleData.ProductsCsv);
        var results = rows.Select(r => Normalizer.Normalize(DatasetCatalog.Products, r)).ToList();

        Assert.Equal(1166, rows.Count);
        Assert.All(results, r => Assert.True(r.IsValid, string.Join("; ", r.Errors)));
        var records = results.Select(r => r.Record!).ToList();
        Assert.Equal(rows.Count(r => r["listPrice"] == "0.0"), records.Count(r => r["list_price"] is null));
        Assert.Equal(rows.Count(r => r["isBestSeller"] == "True"), records.Count(r => r["is_best_seller"] is true));
        Assert.Equal(rows.Count(r => r["price"] == "0.0" || r["price"] == "0"), records.Count(r => (double)r["price"]! == 0));
        Assert.Equal(rows.Sum(r => decimal.Parse(r["price"]!, CultureInfo.InvariantCulture)),
            records.Sum(r => (decimal)(double)r["price"]!), 6);
        Assert.Equal(
            rows.GroupBy(r => r["category_id"]).ToDictionary(g => long.Parse(g.Key!, CultureInfo.InvariantCulture), g => g.Count()),
            records.GroupBy(r => (long)r["category_id"]!).ToDictionary(g => g.Key, g => g.Count()));
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i]["asin"], records[i]["asin"]);
            Assert.Equal(rows[i]["title"], records[i]["title"]);
            Assert.Equal(rows[i]["imgUrl"], records[i]["img_url"]);
            Assert.Equal(rows[i]["productURL"], records[i]["product_url"]);
            Assert.Equal(long.Parse(rows[i]["boughtInLastMonth"]!, CultureInfo.InvariantCulture), records[i]["bought_in_last_month"]);
            Assert.Equal(long.Parse(rows[i]["reviews"]!, CultureInfo.InvariantCulture), records[i]["reviews"]);
            Assert.Equal(double.Parse(rows[i]["stars"]!, CultureInfo.InvariantCulture), records[i]["stars"]);
            Assert.Null(records[i]["observed_at"]);
        }
    }

    [Fact]
    public void SeedProductPayloadsReadTheDayFirstDateAndMatchTheCsv()
    {
        var lines = SampleRows.JsonLines(SampleData.ProductsJsonLines);
        var csv = SampleRows.Csv(SampleData.ProductsCsv)
            .Select(r => Normalizer.Normalize(DatasetCatalog.Products, r).Record!)
            .ToDictionary(r => (string)r["asin"]!);

        var records = lines.Select(e => Normalizer.Normalize(DatasetCatalog.Products, e)).ToList();

        Assert.Equal(1166, records.Count);
        Assert.All(records, r => Assert.True(r.IsValid, string.Join("; ", r.Errors)));
        foreach (var (line, result) in lines.Zip(records))
        {
            var raw = line.GetProperty("date").GetString()!; // "31/12/2023 00:00", day first
            var expected = DateTime.SpecifyKind(DateTime.ParseExact(raw, "dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture), DateTimeKind.Utc);
            var record = result.Record!;
            Assert.Equal(expected, record["observed_at"]);
            var fromCsv = csv[(string)record["asin"]!];
            // Same product as the CSV row apart from the date the payload adds.
            Assert.Equal(fromCsv.Values[..^1], record.Values[..^1]);
        }
    }

    [Fact]
    public void CategoriesCsvAndPayloadsAgree()
    {
        var csv = SampleRows.Csv(SampleData.CategoriesCsv);
        var fromCsv = csv.Select(r => Normalizer.Normalize(DatasetCatalog.Categories, r)).ToList();
        var fromJson = SampleRows.JsonLines(SampleData.CategoriesJsonLines).Select(e => Normalizer.Normalize(DatasetCatalog.Categories, e)).ToList();

        Assert.Equal(248, csv.Count);
        Assert.All(fromCsv.Concat(fromJson), r => Assert.True(r.IsValid, string.Join("; ", r.Errors)));
        Assert.Equal(fromCsv.Select(r => r.Record!.Values), fromJson.Select(r => r.Record!.Values));
        Assert.Equal(csv.Select(r => (object?)long.Parse(r["id"]!, CultureInfo.InvariantCulture)), fromCsv.Select(r => r.Record!["id"]));
        Assert.Equal(csv.Select(r => r["category_name"]), fromCsv.Select(r => (string?)r.Record!["category_name"]));
    }

    [Fact]
    public void McAuleyReviewsKeepEveryRatingAndGetStableDistinctIds()
    {
        var lines = SampleRows.JsonLines(SampleData.McAuleyReviews);
        var results = lines.Select(e => Normalizer.Normalize(DatasetCatalog.Reviews, e)).ToList();

        Assert.Equal(3176, lines.Count);
        Assert.All(results, r => Assert.True(r.IsValid, string.Join("; ", r.Errors)));
        var records = results.Select(r => r.Record!).ToList();

        var expectedRatings = lines.GroupBy(e => (long)e.GetProperty("overall").GetDouble()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expectedRatings, records.GroupBy(r => (long)r["rating"]!).ToDictionary(g => g.Key, g => g.Count()));

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var record = records[i];
            Assert.Equal(DateTime.UnixEpoch.AddSeconds(line.GetProperty("unixReviewTime").GetInt64()), record["reviewed_at"]);
            Assert.Equal(line.GetProperty("verified").GetBoolean(), record["verified"]);
            Assert.Equal(line.GetProperty("reviewerID").GetString(), record["reviewer_id"]);
            Assert.Equal(line.GetProperty("summary").GetString(), record["title"]);
            Assert.Equal(line.TryGetProperty("reviewText", out var text) ? NullIfBlank(text.GetString()) : null, record["text"]);
            Assert.Equal(line.TryGetProperty("vote", out var vote) ? long.Parse(vote.GetString()!.Replace(",", ""), CultureInfo.InvariantCulture) : null,
                (long?)record["helpful_votes"]);
        }

        // Same review content → same id; the number of ids is the number of distinct reviews in the file.
        var distinctReviews = lines.Select(e => (
            e.GetProperty("reviewerID").GetString(), e.GetProperty("asin").GetString(), e.GetProperty("unixReviewTime").GetInt64(),
            e.GetProperty("summary").GetString(), e.TryGetProperty("reviewText", out var t) ? t.GetString() : null)).Distinct().Count();
        Assert.Equal(distinctReviews, records.Select(r => r["review_id"]).Distinct().Count());
        var again = lines.Select(e => Normalizer.Normalize(DatasetCatalog.Reviews, e).Record!["review_id"]);
        Assert.Equal(records.Select(r => r["review_id"]), again);
    }

    [Fact]
    public void DatafinitiReviewsWithDottedHeadersNormalize()
    {
        var rows = SampleRows.Csv(SampleData.DatafinitiReviews);
        var results = rows.Select(r => Normalizer.Normalize(DatasetCatalog.Reviews, r)).ToList();

        Assert.Equal(268, rows.Count);
        Assert.All(results, r => Assert.True(r.IsValid, string.Join("; ", r.Errors)));
        var records = results.Select(r => r.Record!).ToList();
        Assert.Equal(
            rows.GroupBy(r => long.Parse(r["reviews.rating"]!, CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Count()),
            records.GroupBy(r => (long)r["rating"]!).ToDictionary(g => g.Key, g => g.Count()));
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var record = records[i];
            Assert.Equal(row["asins"]!.Split(',')[0], record["asin"]);
            Assert.Equal(DateTimeOffset.Parse(row["reviews.date"]!, CultureInfo.InvariantCulture).UtcDateTime, record["reviewed_at"]);
            Assert.Equal(row["reviews.text"], record["text"]);
            Assert.Equal(row["reviews.title"], record["title"]);
            Assert.Equal(row["reviews.username"], record["reviewer_name"]);
            Assert.Equal(long.Parse(row["reviews.numHelpful"]!, CultureInfo.InvariantCulture), record["helpful_votes"]);
            Assert.Null(record["verified"]); // reviews.didPurchase is empty in the sample
        }
        // No reviews.id in the source: derived ids, distinct per distinct review (the product `id` is not used).
        var distinct = rows.Select(r => (r["reviews.username"], r["reviews.date"], r["reviews.title"], r["reviews.text"])).Distinct().Count();
        Assert.Equal(distinct, records.Select(r => r["review_id"]).Distinct().Count());
        Assert.DoesNotContain(records, r => (string)r["review_id"]! == rows[0]["id"]);
    }

    [Fact]
    public void UciOrdersKeepRowsWithoutCustomerAndReadFloatCustomerIds()
    {
        var rows = SampleRows.Csv(SampleData.OnlineRetail);
        var results = rows.Select(r => Normalizer.Normalize(DatasetCatalog.Orders, r)).ToList();

        Assert.Equal(8000, rows.Count);
        Assert.All(results, r => Assert.True(r.IsValid, string.Join("; ", r.Errors)));
        var records = results.Select(r => r.Record!).ToList();
        Assert.Equal(rows.Count(r => string.IsNullOrEmpty(r["CustomerID"])), records.Count(r => r["customer_id"] is null));
        Assert.Equal(rows.Count(r => r["InvoiceNo"]!.StartsWith('C')), records.Count(r => ((string)r["invoice_no"]!).StartsWith('C')));
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var record = records[i];
            Assert.Equal(string.IsNullOrEmpty(row["CustomerID"]) ? null : (long)decimal.Parse(row["CustomerID"]!, CultureInfo.InvariantCulture),
                (long?)record["customer_id"]);
            Assert.Equal(DateTime.SpecifyKind(DateTime.ParseExact(row["InvoiceDate"]!, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), DateTimeKind.Utc),
                record["invoice_date"]);
            Assert.Equal(long.Parse(row["Quantity"]!, CultureInfo.InvariantCulture), record["quantity"]);
            Assert.Equal(double.Parse(row["UnitPrice"]!, CultureInfo.InvariantCulture), record["unit_price"]);
            Assert.Equal(row["Country"]!.Trim().ToLowerInvariant(), record["country"]);
            Assert.Equal(string.IsNullOrWhiteSpace(row["Description"]) ? null : row["Description"], record["description"]);
        }
    }

    [Fact]
    public void UciOrdersInTheOriginalMonthFirstExportGiveTheSameInstants()
    {
        var rows = SampleRows.Csv(SampleData.OnlineRetail);
        foreach (var row in rows.Take(2000))
        {
            var iso = DateTime.ParseExact(row["InvoiceDate"]!, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var original = new Dictionary<string, string?>(row)
            {
                ["InvoiceDate"] = iso.ToString("M/d/yyyy H:mm", CultureInfo.InvariantCulture), // e.g. 12/1/2010 8:26
                ["CustomerID"] = string.IsNullOrEmpty(row["CustomerID"]) ? "" : ((long)decimal.Parse(row["CustomerID"]!, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture),
            };
            var a = Normalizer.Normalize(DatasetCatalog.Orders, row).Record!;
            var b = Normalizer.Normalize(DatasetCatalog.Orders, original).Record!;
            Assert.Equal(a.Values, b.Values);
        }
    }

    [Fact]
    public void UserPurchaseExportUsesItsOwnNames()
    {
        var rows = SampleRows.Csv(SampleData.UserPurchase);
        var results = rows.Select(r => Normalizer.Normalize(DatasetCatalog.Orders, r)).ToList();

        Assert.Equal(1393, rows.Count);
        Assert.All(results, r => Assert.True(r.IsValid, string.Join("; ", r.Errors)));
        var records = results.Select(r => r.Record!).ToList();
        Assert.Equal(rows.Count(r => string.IsNullOrEmpty(r["customer_id"])), records.Count(r => r["customer_id"] is null));
        Assert.Equal(rows.Where(r => !string.IsNullOrEmpty(r["customer_id"])).Select(r => r["customer_id"]).Distinct().Count(),
            records.Where(r => r["customer_id"] is not null).Select(r => r["customer_id"]).Distinct().Count());
        Assert.Equal(rows.Select(r => r["invoice_number"]), records.Select(r => (string?)r["invoice_no"]));
        Assert.Equal(rows.Select(r => NullIfBlank(r["detail"])), records.Select(r => (string?)r["description"]));
        Assert.Equal(
            Math.Round(rows.Sum(r => decimal.Parse(r["quantity"]!, CultureInfo.InvariantCulture) * decimal.Parse(r["unit_price"]!, CultureInfo.InvariantCulture)), 2),
            Math.Round((decimal)records.Sum(r => (long)r["quantity"]! * (double)r["unit_price"]!), 2));
    }

    [Fact]
    public void SellerSearchProductsReadPriceStringsAndSalesVolume()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(SampleData.SellerSearchResponse));
        var products = doc.RootElement.GetProperty("data").GetProperty("products").EnumerateArray().ToList();

        Assert.NotEmpty(products);
        foreach (var product in products)
        {
            var result = Normalizer.Normalize(DatasetCatalog.Products, product);
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
            var record = result.Record!;
            Assert.Equal(product.GetProperty("asin").GetString(), record["asin"]);
            Assert.Equal(product.GetProperty("product_title").GetString(), record["title"]);
            Assert.Equal(double.Parse(product.GetProperty("product_price").GetString()!.TrimStart('$'), CultureInfo.InvariantCulture), record["price"]);
            var original = product.GetProperty("product_original_price");
            Assert.Equal(original.ValueKind == JsonValueKind.Null ? null : double.Parse(original.GetString()!.TrimStart('$'), CultureInfo.InvariantCulture),
                (double?)record["list_price"]);
            Assert.Equal(double.Parse(product.GetProperty("product_star_rating").GetString()!, CultureInfo.InvariantCulture), record["stars"]);
            Assert.Equal(product.GetProperty("product_num_ratings").GetInt64(), record["reviews"]);
            var volume = product.GetProperty("sales_volume").GetString()!; // "1K+ bought in past month"
            var head = volume.Split(' ')[0].TrimEnd('+');
            var expected = head.EndsWith('K') ? long.Parse(head[..^1], CultureInfo.InvariantCulture) * 1000 : long.Parse(head, CultureInfo.InvariantCulture);
            Assert.Equal(expected, record["bought_in_last_month"]);
        }
    }

    private static string? NullIfBlank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
