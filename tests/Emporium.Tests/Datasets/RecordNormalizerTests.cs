using System.Text.Json;
using Emporium.Datasets;

namespace Emporium.Tests.Datasets;

public sealed class RecordNormalizerTests
{
    private static readonly RecordNormalizer Normalizer = RecordNormalizer.Instance;

    private static NormalizeResult Json(DatasetSchema schema, string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Normalizer.Normalize(schema, doc.RootElement);
    }

    private static NormalizeResult Row(DatasetSchema schema, params (string Name, string? Value)[] fields) =>
        Normalizer.Normalize(schema, fields.ToDictionary(f => f.Name, f => f.Value));

    private static FieldError SingleError(NormalizeResult result)
    {
        Assert.False(result.IsValid);
        return Assert.Single(result.Errors);
    }

    [Theory]
    [InlineData("""{"asin":"B1","list_price":12.5}""")]
    [InlineData("""{"ASIN":"B1","listPrice":"12.5"}""")]
    [InlineData("""{"Asin":"B1","LIST-PRICE":"$12.50"}""")]
    [InlineData("""{"asin":"B1","List Price":"12.50"}""")]
    [InlineData("""{"asin":"B1","list.price":12.5}""")]
    public void MatchesNamesInAnyCaseAndSeparatorStyle(string json)
    {
        var result = Json(DatasetCatalog.Products, json);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(12.5, result.Record!["list_price"]);
    }

    /// <summary>One field twice with two values used to keep the first silently; which one the sender meant cannot be
    /// told. Twice with one value (however the name is spelled) is harmless, and an alias does not count as a repeat.</summary>
    [Fact]
    public void A_field_given_twice_with_different_values_is_refused()
    {
        var twice = SingleError(Json(DatasetCatalog.Categories, """{"id":1,"category_name":"Bedding","Category_Name":"Toys"}"""));
        Assert.Equal(new FieldError("Category_Name", RecordNormalizer.DuplicateField), twice);

        var same = Json(DatasetCatalog.Categories, """{"id":1,"category_name":"Bedding","categoryName":"Bedding","id":1.0}""");
        Assert.True(same.IsValid, string.Join("; ", same.Errors));
        Assert.Equal([1L, "Bedding"], same.Record!.Values);
    }

    [Fact]
    public void IgnoresUnknownFields()
    {
        var result = Json(DatasetCatalog.Categories, """{"id":1,"category_name":"Bedding","colour":"red","nested":{"a":[1,2]}}""");

        Assert.True(result.IsValid);
        Assert.Equal([1L, "Bedding"], result.Record!.Values);
    }

    [Fact]
    public void MatchesEscapedAndNonAsciiFieldNames()
    {
        var result = Json(DatasetCatalog.Categories, """{"\u0069d":7,"category\u005fname":"Caf\u00e9","ünknown":1}""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal([7L, "Café"], result.Record!.Values);
    }

    [Theory]
    [InlineData("""{"asin":"B1","price":null}""")]
    [InlineData("""{"asin":"B1","price":""}""")]
    [InlineData("""{"asin":"B1","price":"  "}""")]
    [InlineData("""{"asin":"B1","price":"NaN"}""")]
    [InlineData("""{"asin":"B1"}""")]
    public void MissingPriceIsNullNeverZero(string json)
    {
        var result = Json(DatasetCatalog.Products, json);

        Assert.True(result.IsValid);
        Assert.Null(result.Record!["price"]);
    }

    [Fact]
    public void PriceZeroStaysZeroButListPriceZeroMeansNoListPrice()
    {
        var record = Json(DatasetCatalog.Products, """{"asin":"B1","price":0,"listPrice":0.0}""").Record!;

        Assert.Equal(0.0, record["price"]);
        Assert.Null(record["list_price"]);
    }

    [Theory]
    [InlineData("17850.0", 17850L)]
    [InlineData("17850", 17850L)]
    [InlineData(" 17850 ", 17850L)]
    [InlineData("1,234", 1234L)]
    public void CustomerIdAcceptsPandasFloats(string raw, long expected)
    {
        var result = Row(DatasetCatalog.Orders, ("InvoiceNo", "536365"), ("Quantity", "6"), ("UnitPrice", "2.55"), ("CustomerID", raw));

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(expected, result.Record!["customer_id"]);
    }

    [Theory]
    [InlineData("price", "\"abc\"", "expected a number, got \"abc\"")]
    [InlineData("price", "\"1,5\"", "expected a number, got \"1,5\"")]
    [InlineData("price", "-1", "out of range: expected 0 to 1000000000000, got -1")]
    [InlineData("price", "true", "expected a number, got true")]
    [InlineData("price", "{}", "expected a number, got an object")]
    [InlineData("stars", "5.5", "out of range: expected 0 to 5, got 5.5")]
    [InlineData("stars", "\"-0.5\"", "out of range: expected 0 to 5, got -0.5")]
    [InlineData("reviews", "2.5", "expected an integer, got 2.5")]
    [InlineData("reviews", "1e20", "out of range for an integer, got 1e20")]
    [InlineData("reviews", "9223372036854775808", "out of range for an integer, got 9223372036854775808")]
    [InlineData("reviews", "2.5e-1", "expected an integer, got 2.5e-1")]
    [InlineData("isBestSeller", "\"maybe\"", "expected a boolean (true/false, 1/0), got \"maybe\"")]
    [InlineData("isBestSeller", "2", "expected a boolean (true/false, 1/0), got 2")]
    [InlineData("listPrice", "[1]", "expected a number, got an array")]
    public void BadProductValueNamesTheFieldAndTheReason(string field, string jsonValue, string error)
    {
        var result = Json(DatasetCatalog.Products, $$"""{"asin":"B1",{{JsonSerializer.Serialize(field)}}:{{jsonValue}}}""");

        Assert.Equal(new FieldError(field, error), SingleError(result));
    }

    [Theory]
    [InlineData("overall", "0", "out of range: expected 1 to 5, got 0")]
    [InlineData("overall", "6", "out of range: expected 1 to 5, got 6")]
    [InlineData("overall", "4.5", "expected an integer, got 4.5")]
    [InlineData("reviews.rating", "\"five\"", "expected an integer, got \"five\"")]
    [InlineData("vote", "\"-3\"", "out of range: expected >= 0, got -3")]
    public void BadReviewValueNamesTheFieldAndTheReason(string field, string jsonValue, string error)
    {
        var result = Json(DatasetCatalog.Reviews, $$"""{"asin":"B1","reviewerID":"R1","stars":5,{{JsonSerializer.Serialize(field)}}:{{jsonValue}}}""");

        Assert.Equal(new FieldError(field, error), SingleError(result));
    }

    [Fact]
    public void BadTimestampSaysWhichShapesTheColumnReads()
    {
        var products = SingleError(Json(DatasetCatalog.Products, """{"asin":"B1","date":"12/31/2023 00:00"}"""));
        var orders = SingleError(Row(DatasetCatalog.Orders, ("InvoiceNo", "1"), ("Quantity", "1"), ("UnitPrice", "1"), ("InvoiceDate", "31/12/2023 00:00")));

        Assert.Equal("date", products.Field);
        Assert.StartsWith("expected a timestamp (", products.Error);
        Assert.Contains("day first", products.Error);
        Assert.EndsWith("got \"12/31/2023 00:00\"", products.Error);
        Assert.Equal("InvoiceDate", orders.Field);
        Assert.Contains("month first", orders.Error);
    }

    [Fact]
    public void MissingRequiredFieldsAreAllReportedByCanonicalName()
    {
        var result = Row(DatasetCatalog.Orders, ("StockCode", "85123A"), ("UnitPrice", "abc"));

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                new FieldError("invoice_no", "required field is missing"),
                new FieldError("quantity", "required field is missing"),
                new FieldError("UnitPrice", "expected a number, got \"abc\""),
            ],
            result.Errors);
    }

    [Fact]
    public void RequiredFieldPresentButEmptyIsNamedAsGiven()
    {
        var json = SingleError(Json(DatasetCatalog.Reviews, """{"ASIN":"  ","overall":5}"""));
        var row = SingleError(Row(DatasetCatalog.Orders, ("invoice_number", ""), ("quantity", "1"), ("unit_price", "1")));

        Assert.Equal(new FieldError("ASIN", "required, but the value is empty"), json);
        Assert.Equal(new FieldError("invoice_number", "required, but the value is empty"), row);
    }

    /// <summary>A required field sent as a "no value" marker was reported as empty, which the sender, who sent text,
    /// could not make sense of; the error names what was sent, whichever way the record is read.</summary>
    [Fact]
    public void RequiredFieldSentAsANoValueMarkerNamesTheMarker()
    {
        var json = SingleError(Json(DatasetCatalog.Reviews, """{"asin":"B1","overall":" N/A "}"""));
        var reader = new Utf8JsonReader("""{"id":"NaN","category_name":"Toys"}"""u8);
        reader.Read();
        var streamed = SingleError(Normalizer.Normalize(DatasetCatalog.Categories, ref reader));
        var row = SingleError(Row(DatasetCatalog.Orders, ("invoice_no", "I1"), ("quantity", "1"), ("UnitPrice", "null")));

        Assert.Equal(new FieldError("overall", "required, but \" N/A \" means no value"), json);
        Assert.Equal(new FieldError("id", "required, but \"NaN\" means no value"), streamed);
        Assert.Equal(new FieldError("UnitPrice", "required, but \"null\" means no value"), row);
        Assert.Equal(new FieldError("overall", "required, but the value is empty"), SingleError(Json(DatasetCatalog.Reviews, """{"asin":"B1","overall":null}""")));
    }

    [Fact]
    public void CanonicalNameBeatsAliasAndNonEmptyBeatsEmpty()
    {
        var both = Json(DatasetCatalog.Reviews, """{"asin":"B1","overall":2,"rating":4,"reviewerID":"R"}""").Record!;
        var aliasOnly = Json(DatasetCatalog.Reviews, """{"asin":"B1","rating":null,"overall":3,"reviewerID":"R"}""").Record!;
        var unixFirst = Json(DatasetCatalog.Reviews, """{"asin":"B1","overall":5,"reviewTime":"01 2, 2015","unixReviewTime":1441324800}""").Record!;

        Assert.Equal(4L, both["rating"]);
        Assert.Equal(3L, aliasOnly["rating"]);
        Assert.Equal(new DateTime(2015, 9, 4, 0, 0, 0, DateTimeKind.Utc), unixFirst["reviewed_at"]);
    }

    [Fact]
    public void BooleansInEveryStyle()
    {
        foreach (var (raw, expected) in new[] { ("true", true), ("\"True\"", true), ("\"TRUE\"", true), ("1", true), ("\"False\"", false), ("false", false), ("0", false), ("\"FALSE\"", false) })
        {
            var record = Json(DatasetCatalog.Products, $$"""{"asin":"B1","isBestSeller":{{raw}}}""").Record!;
            Assert.Equal(expected, record["is_best_seller"]);
        }
    }

    [Fact]
    public void TextIsCleanedPerColumnStyle()
    {
        var order = Row(DatasetCatalog.Orders, ("InvoiceNo", " C536379 "), ("Quantity", "-1"), ("UnitPrice", "27.50"),
            ("Description", "PORCELAIN ROSE LARGE "), ("Country", "  United Kingdom ")).Record!;

        Assert.Equal("C536379", order["invoice_no"]);
        Assert.Equal(-1L, order["quantity"]);
        Assert.Equal("PORCELAIN ROSE LARGE ", order["description"]);
        Assert.Equal("united kingdom", order["country"]);
    }

    [Fact]
    public void NumbersAsJsonNumbersOrStringsAgree()
    {
        var a = Json(DatasetCatalog.Products, """{"asin":"B1","price":1234.5,"reviews":17850,"stars":4.6,"boughtInLastMonth":1000}""").Record!;
        var b = Json(DatasetCatalog.Products, """{"asin":"B1","price":"$1,234.50","reviews":"17850.0","stars":"4.6","boughtInLastMonth":"1K+ bought in past month"}""").Record!;

        Assert.Equal(a.Values, b.Values);
    }

    [Fact]
    public void NonObjectJsonIsAnErrorNotAnException()
    {
        Assert.Equal(new FieldError("$", "expected a JSON object, got an array"), SingleError(Json(DatasetCatalog.Orders, "[1,2]")));
        Assert.Equal(new FieldError("$", "expected a JSON object, got null"), SingleError(Json(DatasetCatalog.Orders, "null")));
    }

    [Fact]
    public void DatafinitiAsinListKeepsTheFirst()
    {
        var record = Row(DatasetCatalog.Reviews, ("asins", "B01AHB9CN2, B00VINDBJK"), ("reviews.rating", "5"), ("reviews.username", "Sail1")).Record!;

        Assert.Equal("B01AHB9CN2", record["asin"]);
    }

    [Fact]
    public void LongValuesAreShortenedInErrors()
    {
        var error = SingleError(Json(DatasetCatalog.Products, $$"""{"asin":"B1","price":"{{new string('x', 500)}}"}""")).Error;

        Assert.True(error.Length < 150, error);
        Assert.EndsWith("(500 characters)", error);
    }
    [Fact]
    public void ReaderEntryReadsOneObjectAndLeavesTheReaderOnItsEnd()
    {
        var reader = new Utf8JsonReader("""[{"id":1,"name":"a","extra":{"x":[1,{"y":2}]}},{"category\u005Fid":"x","name":"b"}]"""u8);
        reader.Read();
        reader.Read();
        var first = Normalizer.Normalize(DatasetCatalog.Categories, ref reader);
        Assert.Equal(JsonTokenType.EndObject, reader.TokenType);
        Assert.Equal([1L, "a"], first.Record!.Values);
        reader.Read();
        var second = Normalizer.Normalize(DatasetCatalog.Categories, ref reader);
        // The error names the field as the input spelled it, escapes decoded.
        Assert.Equal("category_id", SingleError(second).Field);
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.EndArray, reader.TokenType);
    }

    [Fact]
    public void ReaderEntryThrowsOnMalformedJson()
    {
        Assert.ThrowsAny<JsonException>(() =>
        {
            var reader = new Utf8JsonReader("""{"id":1,"name":tru}"""u8);
            reader.Read();
            Normalizer.Normalize(DatasetCatalog.Categories, ref reader);
        });
    }

    /// <summary>A key longer than a warehouse can index (PostgreSQL: 2 704 bytes per index entry) used to pass the rules
    /// and be refused by the warehouse alone; now every path rejects it alike, naming the field, at
    /// <see cref="DatasetSchema.MaxKeyBytes"/> bytes of UTF-8 (characters of three bytes count three times).</summary>
    [Theory]
    [InlineData('A', 1_024, true)]
    [InlineData('A', 1_025, false)]
    [InlineData('\u20AC', 341, true)]
    [InlineData('\u20AC', 342, false)]
    public void A_key_over_the_key_limit_is_rejected_naming_the_field(char c, int length, bool valid)
    {
        var asin = new string(c, length);

        var fromJson = Json(DatasetCatalog.Products, JsonSerializer.Serialize(new { asin, title = "Lamp" }));
        var fromRow = Row(DatasetCatalog.Products, ("ASIN", asin), ("title", "Lamp"));

        Assert.Equal(valid, fromJson.IsValid);
        Assert.Equal(valid, fromRow.IsValid);
        if (!valid)
        {
            var bytes = System.Text.Encoding.UTF8.GetByteCount(asin);
            Assert.Equal(new FieldError("asin", $"a key may have at most 1024 bytes of UTF-8, this one has {bytes}"), SingleError(fromJson));
            Assert.Equal(SingleError(fromJson), SingleError(fromRow));
        }
    }

    /// <summary>orders' country names a lake folder (<c>country=…</c>, percent-encoded, three characters a byte outside
    /// ASCII letters and digits): past 255 bytes the file system refuses the folder, and one such order, accepted, made
    /// the stream processor fail its lake write every second for good. A country is at most
    /// <see cref="DatasetSchema.MaxPartitionValueBytes"/> bytes of UTF-8, whose folder always fits.</summary>
    [Theory]
    [InlineData('e', 80, true)]
    [InlineData('e', 81, false)]
    [InlineData('\u00E9', 40, true)]
    [InlineData('\u00E9', 41, false)]
    public void A_country_too_long_for_its_lake_folder_is_rejected_naming_the_field(char c, int length, bool valid)
    {
        var country = new string(c, length);

        var fromJson = Json(DatasetCatalog.Orders, JsonSerializer.Serialize(new { InvoiceNo = "1", StockCode = "S", Quantity = 1, InvoiceDate = "2024-01-02 10:00", UnitPrice = 1.5, Country = country }));
        var fromRow = Row(DatasetCatalog.Orders, ("InvoiceNo", "1"), ("StockCode", "S"), ("Quantity", "1"), ("InvoiceDate", "2024-01-02 10:00"), ("UnitPrice", "1.5"), ("Country", country));

        Assert.Equal(valid, fromJson.IsValid);
        Assert.Equal(valid, fromRow.IsValid);
        if (!valid)
        {
            var bytes = System.Text.Encoding.UTF8.GetByteCount(country);
            Assert.Equal(new FieldError("country", $"a lake partition value may have at most 80 bytes of UTF-8, this one has {bytes}"), SingleError(fromJson));
            Assert.Equal(SingleError(fromJson), SingleError(fromRow));
        }
        else
        {
            var folder = Emporium.Lake.LakeLayout.CleanFolder("orders", new DateOnly(2024, 1, 2), [("country", (string?)fromJson.Record!["country"])]);
            Assert.InRange(folder.Split('/').Max(s => System.Text.Encoding.UTF8.GetByteCount(s)), 1, 255);
        }
    }

    /// <summary>Only key columns are limited: a long title is fine.</summary>
    [Fact]
    public void A_long_text_that_is_no_key_is_kept()
    {
        var title = new string('t', 10_000);

        var result = Row(DatasetCatalog.Products, ("asin", "B1"), ("title", title));

        Assert.True(result.IsValid);
        Assert.Equal(title, result.Record!["title"]);
    }
}
