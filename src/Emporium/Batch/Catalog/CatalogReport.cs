using System.Globalization;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Warehouse;
using static Emporium.Warehouse.DuckDb.DuckDbSql;

namespace Emporium.Batch.Catalog;

/// <summary>Everything the catalog shows: each canonical dataset (schema, clean-zone partitions, files loaded from
/// the lake manifests, rows, last load) and each crawled table.</summary>
public sealed class CatalogReport(IWarehouse warehouse, ILakeStore? lake)
{
    public async Task<IReadOnlyList<CatalogTable>> ListAsync(CancellationToken ct)
    {
        var tables = new List<CatalogTable>();
        foreach (var schema in DatasetCatalog.All)
        {
            tables.Add(await DatasetAsync(schema, ct).ConfigureAwait(false));
        }
        tables.AddRange(await new CatalogStore(warehouse).ListAsync(ct).ConfigureAwait(false));
        return tables;
    }

    private async Task<CatalogTable> DatasetAsync(DatasetSchema schema, CancellationToken ct)
    {
        var stats = await warehouse.QueryAsync($"SELECT count(*), max(_loaded_at) FROM {Quote(schema.Name)}", ct).ConfigureAwait(false);
        var rows = Convert.ToInt64(stats.Rows[0][0], CultureInfo.InvariantCulture);
        DateTimeOffset? last = stats.Rows[0][1] is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
        var partitions = new List<CatalogPartition>();
        if (!string.IsNullOrEmpty(schema.PartitionColumn))
        {
            var dates = await warehouse.QueryAsync(
                $"SELECT DISTINCT strftime(CAST({Quote(schema.PartitionColumn)} AS DATE), '%Y-%m-%d') AS d FROM {Quote(schema.Name)} WHERE {Quote(schema.PartitionColumn)} IS NOT NULL ORDER BY d LIMIT 1000", ct).ConfigureAwait(false);
            partitions.Add(new CatalogPartition("date", dates.Rows.Select(r => (string)r[0]!).ToList()));
        }
        foreach (var extra in LakeLayout.CleanPartitionColumns(schema))
        {
            var values = await warehouse.QueryAsync($"SELECT DISTINCT {Quote(extra)} AS v FROM {Quote(schema.Name)} WHERE {Quote(extra)} IS NOT NULL ORDER BY v LIMIT 1000", ct).ConfigureAwait(false);
            partitions.Add(new CatalogPartition(extra, values.Rows.Select(r => Convert.ToString(r[0], CultureInfo.InvariantCulture)!).ToList()));
        }
        var files = new List<string>();
        if (lake is not null)
        {
            await foreach (var manifest in new LakeManifestStore(lake).ListPublishedAsync(schema.Name, ct).ConfigureAwait(false))
            {
                if (manifest.Id.StartsWith("file-", StringComparison.Ordinal))
                {
                    files.AddRange(manifest.Files.Where(f => f.Zone == LakeLayout.Raw).Select(f => f.Path));
                }
            }
        }
        var columns = schema.Columns.Select(c => new CatalogColumn(c.Name, TypeOf(c.Type), 1)).ToList();
        return new CatalogTable(schema.Name, "dataset", $"{LakeLayout.Clean}/{schema.Name}", "parquet", columns, partitions, files, rows, last, 1);
    }
}
