using System.Globalization;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Warehouse;
using static Emporium.Warehouse.DuckDb.DuckDbSql;

namespace Emporium.Batch.Catalog;

/// <summary>Everything the catalog shows: each canonical dataset (schema, clean-zone partitions and files loaded, from
/// the lake manifests; rows and last load from the warehouse), the dead letters (kind <c>dead_letters</c>: the records
/// ingest rejected or the warehouse refused, which an operator looks for beside the data) and each crawled table. With
/// the lake unavailable a dataset shows neither partitions nor files.</summary>
public sealed class CatalogReport(IWarehouse warehouse, ILakeStore? lake)
{
    /// <summary>Most values listed per partition key.</summary>
    public const int MaxPartitionValues = 1000;

    /// <summary>The kind of the dead letters' entry, as <c>GET /api/v1/datasets</c> names it too.</summary>
    public const string DeadLettersKind = "dead_letters";

    public async Task<IReadOnlyList<CatalogTable>> ListAsync(CancellationToken ct)
    {
        // The processor makes the dead letters' table when it starts; a data dir no server ran on yet (read by the CLI
        // on its own) has the datasets' tables only, and its dead letters are an empty table, not a failed list.
        await warehouse.InitializeAsync([DatasetCatalog.DeadLetters], ct).ConfigureAwait(false);
        var tables = new List<CatalogTable>();
        foreach (var schema in DatasetCatalog.Streamed)
        {
            tables.Add(await DatasetAsync(schema, ct).ConfigureAwait(false));
        }
        tables.AddRange(await new CatalogStore(warehouse).ListAsync(ct).ConfigureAwait(false));
        return tables.Select(t => t.Shown()).ToList();
    }

    private async Task<CatalogTable> DatasetAsync(DatasetSchema schema, CancellationToken ct)
    {
        var stats = await warehouse.QueryAsync($"SELECT count(*), max(_loaded_at) FROM {Quote(schema.Name)}", ct).ConfigureAwait(false);
        var rows = Convert.ToInt64(stats.Rows[0][0], CultureInfo.InvariantCulture);
        DateTimeOffset? last = stats.Rows[0][1] is DateTime t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
        var files = new List<string>();
        var partitions = new List<CatalogPartition>();
        if (lake is not null)
        {
            // Partitions are the clean zone's folders as the published manifests name them (a dataset without a date
            // column is filed by arrival day), files are the source files loaded.
            var values = new PartitionValues();
            await foreach (var manifest in new LakeManifestStore(lake).ListPublishedAsync(schema.Name, ct).ConfigureAwait(false))
            {
                if (manifest.Id.StartsWith("file-", StringComparison.Ordinal))
                {
                    files.AddRange(manifest.Files.Where(f => f.Zone == LakeLayout.Raw).Select(f => f.Path));
                }
                foreach (var file in manifest.Files.Where(f => f.Zone == LakeLayout.Clean))
                {
                    foreach (var (key, value) in LakeLayout.PartitionsOf(file.Path))
                    {
                        values.Add(key, value);
                    }
                }
            }
            partitions.AddRange(values.ToList(MaxPartitionValues));
        }
        var columns = schema.Columns.Select(c => new CatalogColumn(c.Name, TypeOf(c.Type), 1)).ToList();
        return new CatalogTable(schema.Name, schema == DatasetCatalog.DeadLetters ? DeadLettersKind : "dataset", $"{LakeLayout.Clean}/{schema.Name}", "parquet", columns, partitions, files, rows, last, 1);
    }
}
