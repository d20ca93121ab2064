using Emporium.Datasets;
using Emporium.Lake;

namespace Emporium.Tests.Lake;

public sealed class LakeLayoutTests
{
    [Fact]
    public void Zones_follow_the_hive_conventions()
    {
        Assert.Equal("raw/orders/year=2010/month=12/day=01", LakeLayout.RawFolder("orders", new DateOnly(2010, 12, 1)));
        Assert.Equal("clean/products/date=2023-12-31", LakeLayout.CleanFolder("products", new DateOnly(2023, 12, 31)));
        Assert.Equal("clean/orders/date=2010-12-01/country=United%20Kingdom",
            LakeLayout.CleanFolder("orders", new DateOnly(2010, 12, 1), [("country", "United Kingdom")]));
        Assert.Equal("stage/user_purchase/ds=2024-05-01", LakeLayout.StageFolder("user_purchase", new DateOnly(2024, 5, 1)));
        Assert.Equal(["country"], LakeLayout.CleanPartitionColumns(DatasetCatalog.Orders));
        Assert.Empty(LakeLayout.CleanPartitionColumns(DatasetCatalog.Products));
    }

    [Theory]
    [InlineData("EIRE", "EIRE")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("..", "%2E.")]
    [InlineData("Côte", "C%C3%B4te")]
    [InlineData(null, "__HIVE_DEFAULT_PARTITION__")]
    public void Partition_values_cannot_escape_their_folder(string? value, string expected)
    {
        var encoded = LakeLayout.PartitionValue(value);
        Assert.Equal(expected, encoded);
        LakePath.Validate("clean/x/country=" + encoded + "/f.parquet");
    }

    [Fact]
    public void Offset_range_names_sort_and_parse_back()
    {
        var name = LakeLayout.OffsetRange(3, 100, 199);
        Assert.Equal("p3-000000000100-000000000199", name);
        Assert.True(LakeLayout.TryParseOffsetRange(name + ".parquet", out var p, out var first, out var last));
        Assert.Equal((3, 100L, 199L), (p, first, last));
        Assert.False(LakeLayout.TryParseOffsetRange("file-abc.parquet", out _, out _, out _));
        Assert.True(string.CompareOrdinal(LakeLayout.OffsetRange(0, 99, 99), LakeLayout.OffsetRange(0, 100, 100)) < 0);
    }
}
