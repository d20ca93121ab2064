using Emporium.Warehouse;

namespace Emporium.Marts;

/// <summary>One mart: a named view over the warehouse whose name and columns are a public contract.</summary>
/// <param name="Name">View and API name.</param>
/// <param name="Description">One line for the API and CLI listing.</param>
/// <param name="Columns">Output columns in order.</param>
/// <param name="DependsOn">Datasets the view reads; the view is created only when they all exist.</param>
/// <param name="Body">The SELECT, written once against <see cref="MartSql"/> helpers.</param>
/// <param name="OrderBy">Presentation order (views carry none), applied when the mart is read.</param>
/// <param name="DefaultLimit">Rows returned when the caller gives no limit; null returns every row.</param>
/// <param name="BackedByTable">The mart is a warehouse table of the same name that a DAG writes (seed tables are
/// already the published shape); no view is created and <paramref name="Body"/> is not used.</param>
public sealed record MartDefinition(
    string Name,
    string Description,
    IReadOnlyList<MartColumn> Columns,
    IReadOnlyList<string> DependsOn,
    Func<MartSql, string> Body,
    string OrderBy,
    int? DefaultLimit,
    bool BackedByTable = false)
{
    /// <summary>What a read of this mart says while the tables it reads do not exist yet (no DAG run has written them),
    /// so it has no view or table.</summary>
    public string NotAvailableYet =>
        $"'{Name}' is not available yet: it reads {string.Join(", ", DependsOn)}, which the warehouse does not hold yet (the DAG runs that write them create them)";

    /// <summary>The view body in the given dialect.</summary>
    public string ViewSql(SqlDialect dialect) => Body(new MartSql(dialect));

    /// <summary>The statement that reads the mart with its order and a row limit, in the warehouse's dialect: the text
    /// columns of <see cref="OrderBy"/> sort by code point on every warehouse (<see cref="MartSql.ByteOrder"/>), so
    /// the same rows come in the same order from each.</summary>
    public string ReadSql(SqlDialect dialect, int? limit) =>
        $"SELECT {string.Join(", ", Columns.Select(c => c.Name))} FROM {Name} ORDER BY {OrderTerms(new MartSql(dialect))}" +
        (limit is { } n ? $" LIMIT {n}" : "");

    /// <summary><see cref="OrderBy"/> with each term that starts with a text column's name sorted by code point, and
    /// every term that does not say where nulls go given <c>NULLS LAST</c>: PostgreSQL puts nulls first in a descending
    /// sort and DuckDB last, so a nullable descending key listed its rows in another order on each warehouse.</summary>
    private string OrderTerms(MartSql sql) => string.Join(", ", OrderBy.Split(',').Select(term =>
    {
        var parts = term.Trim().Split(' ', 2);
        var key = Columns.Any(c => c.Name == parts[0] && c.Type == "varchar") ? sql.ByteOrder(parts[0]) : parts[0];
        var rest = parts.Length > 1 ? parts[1] : "";
        var nulls = rest.Contains("NULLS", StringComparison.OrdinalIgnoreCase) ? "" : "NULLS LAST";
        return string.Join(' ', new[] { key, rest, nulls }.Where(p => p.Length > 0));
    }));
}
