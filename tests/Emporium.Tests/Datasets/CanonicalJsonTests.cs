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
}
