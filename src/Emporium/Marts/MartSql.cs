using Emporium.Warehouse;

namespace Emporium.Marts;

/// <summary>The few expressions whose spelling differs between warehouses. Mart bodies are written once against
/// these helpers and render to DuckDB or PostgreSQL (kept to what Redshift accepts as well).</summary>
public sealed class MartSql(SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;

    /// <summary>Rounds a double to 2 decimals and keeps it a double. PostgreSQL has no round(double, int), so it
    /// rounds through numeric.</summary>
    public string Round2(string expression) => Dialect switch
    {
        SqlDialect.DuckDb => $"CAST(ROUND({expression}, 2) AS DOUBLE)",
        _ => $"CAST(ROUND(CAST({expression} AS NUMERIC), 2) AS DOUBLE PRECISION)",
    };

    public string Double(string expression) => Dialect switch
    {
        SqlDialect.DuckDb => $"CAST({expression} AS DOUBLE)",
        _ => $"CAST({expression} AS DOUBLE PRECISION)",
    };

    public string BigInt(string expression) => $"CAST({expression} AS BIGINT)";

    public string Date(string expression) => $"CAST({expression} AS DATE)";

    /// <summary>A literal table of integer rows; VALUES lists work on every target, unlike generate_series on Redshift.</summary>
    public string Values(string alias, IReadOnlyList<string> columns, IEnumerable<long?[]> rows) =>
        $"(VALUES {string.Join(", ", rows.Select(r => "(" + string.Join(", ", r.Select(v => v is null ? BigInt("NULL") : BigInt(v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))) + ")"))}) AS {alias}({string.Join(", ", columns)})";
}
