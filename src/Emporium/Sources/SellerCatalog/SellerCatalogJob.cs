using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Warehouse;

namespace Emporium.Sources.SellerCatalog;

/// <summary>The steps of the <c>seller_catalog</c> DAG as plain services: extract pages to the raw zone, clean them to
/// Parquet, and load the clean file as the day's <c>seller_offers</c> snapshot. Each step replaces what an earlier run
/// of the same seller and day wrote, so a re-run never doubles a day.</summary>
public sealed class SellerCatalogJob(ILakeStore lake)
{
    /// <summary>Fetches every page and lands each as received. Returns the raw paths in page order.</summary>
    public async Task<IReadOnlyList<string>> ExtractAsync(SellerCatalogClient client, string sellerId, DateOnly ds, CancellationToken ct)
    {
        var written = new List<string>();
        await foreach (var page in client.FetchPagesAsync(ct))
        {
            var path = SellerCatalogPaths.RawPage(sellerId, ds, page.Number);
            await lake.WriteAsync(path, new MemoryStream(page.Body, writable: false), ct);
            written.Add(path);
        }
        // A previous run of the day that saw more pages must not leave its extra pages behind.
        await foreach (var stale in lake.ListAsync(SellerCatalogPaths.RawPagePrefix(sellerId, ds), ct))
        {
            if (!written.Contains(stale.Path))
            {
                await lake.DeleteAsync(stale.Path, ct);
            }
        }
        return written;
    }

    /// <summary>Cleans the day's raw pages of one seller into <c>clean/seller_offers/date=…/&lt;seller&gt;.parquet</c>.</summary>
    public async Task<SellerCleanOutcome> CleanAsync(string sellerId, DateOnly ds, CancellationToken ct)
    {
        var pages = new List<(int, byte[])>();
        await foreach (var o in lake.ListAsync(SellerCatalogPaths.RawPagePrefix(sellerId, ds), ct))
        {
            var number = int.Parse(o.Path[^9..^5], System.Globalization.CultureInfo.InvariantCulture);
            await using var stream = await lake.OpenReadAsync(o.Path, ct) ?? throw new FileNotFoundException(o.Path);
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            pages.Add((number, buffer.ToArray()));
        }
        var result = SellerOfferCleaner.Clean(sellerId, ds, pages.OrderBy(p => p.Item1));
        var path = SellerCatalogPaths.Clean(sellerId, ds);
        using (var writer = new ParquetWriter())
        {
            await writer.WriteAsync(lake, path, SeedDatasets.SellerOffers.Columns, result.Rows.Select(r => r.Values), ct);
        }
        return new SellerCleanOutcome(path, pages.Count, result.Rows.Count, result.Duplicates, result.Warnings);
    }

    /// <summary>Replaces the seller's <c>seller_offers</c> rows of <paramref name="ds"/> with the clean file's rows.</summary>
    public async Task<int> SnapshotAsync(IWarehouse warehouse, string sellerId, DateOnly ds, CancellationToken ct)
    {
        var path = SellerCatalogPaths.Clean(sellerId, ds);
        var temp = Lake.ScratchFolder.NewPath(null, "seller", ".parquet");
        try
        {
            await using (var source = await lake.OpenReadAsync(path, ct) ?? throw new FileNotFoundException($"clean file missing: {path}"))
            await using (var file = File.Create(temp))
            {
                await source.CopyToAsync(file, ct);
            }
            var schema = SeedDatasets.SellerOffers;
            var rows = ParquetTable.Read(schema, temp);
            await warehouse.InitializeAsync(SeedDatasets.All, ct);
            var lineage = SeedDatasets.DaySource("seller_catalog", $"{schema.Name}/{SellerCatalogPaths.Safe(sellerId)}", ds);
            var snapshot = new CanonicalRecord(SeedDatasets.SellerSnapshots, [sellerId, ds.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), (long)rows.Count]);
            await warehouse.CommitAsync(
                new WarehouseBatch([new DatasetRows(schema, rows, lineage), new DatasetRows(SeedDatasets.SellerSnapshots, [snapshot], lineage)],
                    "dag:seller_catalog", new Dictionary<TopicPartition, long>(), ReplaceSource: lineage),
                ct);
            return rows.Count;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

/// <summary>What the clean step wrote and what it noticed.</summary>
public sealed record SellerCleanOutcome(string Path, int Pages, int Rows, int Duplicates, IReadOnlyList<string> Warnings);
