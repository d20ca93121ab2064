using Emporium.Batch.Loading;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Batch.Loading;

public sealed class LoadSpecTests
{
    [Fact]
    public void ASetColumnTheDatasetDoesNotHaveIsRefusedByName()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("offers.json");
        File.WriteAllText(path, "[]");
        var spec = new LoadSpec([path], "seller_offers", Set: new Dictionary<string, string> { ["sellr_id"] = "A1", ["snapshot_date"] = "2024-01-10" });

        var e = Assert.Throws<LoadSpecException>(() => spec.Resolve());

        Assert.StartsWith("cannot set sellr_id: no such column in dataset 'seller_offers'", e.Message, StringComparison.Ordinal);
        Assert.Equal("set", e.Field);
        Assert.DoesNotContain("snapshot_date:", e.Message);
        Assert.Contains("seller_id", e.Message); // the columns it could have meant
    }

    [Fact]
    public void ASetColumnMayBeSpelledAsAnyAliasOfTheColumn()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("orders.csv");
        File.WriteAllText(path, "InvoiceNo\n1\n");

        var resolved = new LoadSpec([path], "orders", Set: new Dictionary<string, string> { ["Country"] = "France" }).Resolve();

        Assert.Equal("France", resolved.Request.Constants!["Country"]);
    }
}
