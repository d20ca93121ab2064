namespace Emporium.Warehouse;

/// <summary>A table or view a read-only query may name, with its columns.</summary>
public sealed record WarehouseRelation(string Name, string Kind, IReadOnlyList<QueryColumn> Columns);

/// <summary>The tables and views of the warehouse's own schema, from the SQL-standard <c>information_schema</c> that
/// both DuckDB and PostgreSQL answer the same way, for the SQL explorer's table list (without <see cref="Private"/>).</summary>
public static class WarehouseRelations
{
    /// <summary>Tables of the warehouse no user query may read, the tables list leaves out and PostgreSQL's reader role
    /// is given no SELECT on, each with why: the alerts outbox holds each webhook's URL, which is a credential (a chat
    /// webhook's URL is all it takes to post there); the offsets and the ingest claims are the processor's and loads'
    /// own bookkeeping, which the API shows in its own words.</summary>
    private static readonly IReadOnlyDictionary<string, string> PrivateReasons = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["alert_deliveries"] = "it holds the alert webhooks' URLs, which are credentials (GET /api/v1/alerts gives each alert's deliveries)",
        ["_emporium_offsets"] = "it is the processor's and the loads' own bookkeeping (GET /api/v1/datasets gives each dataset's log position and lag)",
        [IngestClaim.Table] = "it is the processor's own bookkeeping of ingest's Idempotency-Key tags",
    };

    public static readonly IReadOnlySet<string> Private = PrivateReasons.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Why a query may not read <paramref name="name"/>, one of <see cref="Private"/>.</summary>
    public static string PrivateReason(string name) => $"'{name}' is not open to queries: {PrivateReasons[name]}";

    public static async Task<IReadOnlyList<WarehouseRelation>> ListAsync(IWarehouse warehouse, CancellationToken ct)
    {
        var result = await warehouse.QueryAsync("""
            SELECT c.table_name, t.table_type, c.column_name, c.data_type
            FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name
            WHERE c.table_catalog = current_database() AND c.table_schema = current_schema()
            ORDER BY c.table_name, c.ordinal_position
            """, ct).ConfigureAwait(false);
        return result.Rows
            .Where(r => !Private.Contains((string)r[0]!))
            .GroupBy(r => (Name: (string)r[0]!, Kind: (string)r[1]!))
            .Select(g => new WarehouseRelation(g.Key.Name, g.Key.Kind == "VIEW" ? "view" : "table",
                g.Select(r => new QueryColumn((string)r[2]!, ((string)r[3]!).ToLowerInvariant())).ToList()))
            .ToList();
    }

    /// <summary>Whether the warehouse's own schema has a table or view of this name.</summary>
    public static async Task<bool> ExistsAsync(IWarehouse warehouse, string name, CancellationToken ct)
    {
        var result = await warehouse.QueryAsync(
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = current_schema() AND table_name = "
            + SqlLiteral.Text(name), ct).ConfigureAwait(false);
        return WarehouseValues.Long(result.Rows[0][0]) > 0;
    }
}
