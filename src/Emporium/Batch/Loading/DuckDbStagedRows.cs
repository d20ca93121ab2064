using DuckDB.NET.Data;
using Emporium.Datasets;
using static Emporium.Warehouse.DuckDb.DuckDbSql;

namespace Emporium.Batch.Loading;

/// <summary>A file read by Emporium's own readers (JSON, workbooks, Latin-1 text…), staged row by row in a table of the
/// in-memory database attached to the warehouse's DuckDB instance (which spills past the memory limit), so it can be
/// committed in one transaction like a <c>read_csv</c> load: canonical columns and <c>_seq</c>, the source ordinal.</summary>
internal static class DuckDbStagedRows
{
    private const string Table = $"{DuckDbBulkLoad.Catalog}.main._streamed_rows";
    private const string TableName = "_streamed_rows";

    public static void Create(DuckDBConnection db, DatasetSchema schema)
    {
        var columns = string.Join(", ", schema.Columns.Select(c => $"{Quote(c.Name)} {TypeOf(c.Type)}").Append("_seq BIGINT"));
        DuckDbBulkLoad.Execute(db, $"ATTACH IF NOT EXISTS ':memory:' AS {DuckDbBulkLoad.Catalog}; CREATE OR REPLACE TABLE {Table} ({columns})");
    }

    public static DuckDBAppender Appender(DuckDBConnection db) => db.CreateAppender(DuckDbBulkLoad.Catalog, "main", TableName);

    /// <summary>The staged rows as the sinks read them (see <see cref="DuckDbBulkLoad.Parsed.StagedSql"/>).</summary>
    public static string Sql(DatasetSchema schema, string source, DateTime loadedAt) =>
        $"SELECT {string.Join(", ", schema.Columns.Select(c => Quote(c.Name)))}, {Literal(source)} AS _source, " +
        $"{DuckDbBulkLoad.Timestamp(loadedAt)} AS _loaded_at, _seq FROM {Table}";

    public static void Drop(DuckDBConnection db) => DuckDbBulkLoad.Execute(db, $"DROP TABLE IF EXISTS {Table}");
}
