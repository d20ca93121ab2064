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

    [Theory]
    [InlineData("alert_deliveries")]
    [InlineData("alerts")]
    public void The_alert_dags_own_tables_are_not_loaded_by_hand_and_stay_reserved_from_crawls(string table)
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("rows.csv");
        // An outbox row loaded by hand would have its webhook posted to by the next delivery.
        File.WriteAllText(path, "alert_id,webhook,state,attempts,updated_at\n1,http://127.0.0.1:9/hook,pending,0,2024-01-01\n");

        var e = Assert.Throws<LoadSpecException>(() => new LoadSpec([path], table).Resolve());

        Assert.Equal("dataset", e.Field);
        Assert.StartsWith($"unknown dataset '{table}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("seller_offers", e.Message);
        Assert.True(Emporium.Batch.Catalog.Crawler.IsReserved(table));
    }
}
