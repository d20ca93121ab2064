using Emporium.Datasets;

namespace Emporium.Tests.Datasets;

public sealed class CanonicalJsonTests
{
    [Fact]
    public void RoundTripsEveryColumnType()
    {
        var when = new DateTime(2010, 12, 1, 8, 26, 0, DateTimeKind.Utc);
        var record = new CanonicalRecord(DatasetCatalog.Orders,
            ["536365", "85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 6L, when, 2.55, 17850L, "united kingdom"]);

        var back = CanonicalJson.Deserialize(DatasetCatalog.Orders, CanonicalJson.Serialize(record));

        Assert.Equal(record.Values, back.Values);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)back["invoice_date"]!).Kind);
    }

    [Fact]
    public void KeyJoinsKeyColumnsAndIsNullForAppendDatasets()
    {
        var category = new CanonicalRecord(DatasetCatalog.Categories, [104L, "Suitcases"]);
        var order = new CanonicalRecord(DatasetCatalog.Orders, ["1", null, null, 1L, null, 1.0, null, null]);

        Assert.Equal("104", category.Key);
        Assert.Null(order.Key);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(5_000_000L)]
    [InlineData(1_230_000L)]
    [InlineData(9_999_999L)]
    public void TimestampsAreWrittenAsTheDocumentedIsoFormat(long fractionTicks)
    {
        var at = new DateTime(2010, 12, 1, 8, 26, 0, DateTimeKind.Utc).AddTicks(fractionTicks);
        Span<byte> utf8 = stackalloc byte[32];
        var written = System.Text.Encoding.UTF8.GetString(utf8[..CanonicalJson.FormatTimestamp(at, utf8)]);

        Assert.Equal(at.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture), written);
    }

    [Fact]
    public void ReadsBackTheIngestTagAndIgnoresIt()
    {
        var record = new CanonicalRecord(DatasetCatalog.Categories, [104L, "Suitcases"]);
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            CanonicalJson.Write(writer, record, "abc:def:3");
        }
        var bytes = buffer.ToArray();

        Assert.Equal("abc:def:3", CanonicalJson.ReadIngestTag(bytes));
        Assert.Equal(record.Values, CanonicalJson.Deserialize(DatasetCatalog.Categories, bytes).Values);
        Assert.Null(CanonicalJson.ReadIngestTag(CanonicalJson.Serialize(record)));

        // The processor takes it in the same pass as the values.
        Assert.Equal(record.Values, CanonicalJson.Deserialize(DatasetCatalog.Categories, bytes, out var tag).Values);
        Assert.Equal("abc:def:3", tag);
        CanonicalJson.Deserialize(DatasetCatalog.Categories, CanonicalJson.Serialize(record), out var none);
        Assert.Null(none);
        CanonicalJson.Deserialize(DatasetCatalog.Categories, "{\"id\":1,\"_ingest\":7}"u8, out var notText);
        Assert.Null(notText);
    }
}
