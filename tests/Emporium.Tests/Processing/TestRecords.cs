using Emporium.Datasets;

namespace Emporium.Tests.Processing;

/// <summary>Deterministic canonical records for processor tests.</summary>
public static class TestRecords
{
    private static readonly string[] Countries = ["United Kingdom", "France", "EIRE", "Germany"];

    public static CanonicalRecord Order(int i) => new(DatasetCatalog.Orders,
    [
        $"5{i / 5:D5}", $"SC{i % 13}", $"ITEM {i % 13}", (long)(i % 9 + 1),
        new DateTime(2010, 12, 1 + i % 3, 8, i % 60, 0, DateTimeKind.Utc), Math.Round(0.5 + i % 17 * 0.85, 2),
        i % 4 == 0 ? null : 17000L + i % 23, Countries[i % Countries.Length],
    ]);

    /// <summary>Orders <paramref name="first"/>… as one stream batch of partition orders/0, with its next offset.</summary>
    public static Emporium.Warehouse.WarehouseBatch OrdersBatch(int first, int count) => new(
        [new Emporium.Warehouse.DatasetRows(DatasetCatalog.Orders, Enumerable.Range(first, count).Select(Order).ToList(), $"log:orders/0:{first}-{first + count - 1}")],
        "stream", new Dictionary<Emporium.Log.TopicPartition, long> { [new Emporium.Log.TopicPartition("orders", 0)] = first + count });

    public static CanonicalRecord Product(string asin, double price, long version) => new(DatasetCatalog.Products,
    [
        asin, $"title {asin} v{version}", null, null, 4.5, version, price, null, 104L, false, null,
        new DateTime(2023, 12, 31, 0, 0, 0, DateTimeKind.Utc),
    ]);

    /// <summary>A comparable text form of a record's values (for multiset comparisons).</summary>
    public static string Text(IEnumerable<object?> values) =>
        string.Join("|", values.Select(v => v switch
        {
            null => "∅",
            double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            DateTime t => t.ToString("O", System.Globalization.CultureInfo.InvariantCulture).Replace("Z", "", StringComparison.Ordinal),
            _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
        }));
}
