using Emporium.Warehouse;

namespace Emporium.Marts;

/// <summary>The few expressions whose spelling differs between warehouses. Mart bodies are written once against
/// these helpers and render to DuckDB or PostgreSQL (kept to what Redshift accepts as well).</summary>
public sealed class MartSql(SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;

    /// <summary>Rounds to 2 decimals, half away from zero, and returns a double. The value is taken as an exact
    /// decimal of 6 places first (<see cref="Decimal"/>): a double amount such as 1.005 is really 1.00499999…, which
    /// DuckDB's <c>ROUND(DOUBLE, 2)</c> took down to 1.00 while PostgreSQL, rounding through <c>numeric</c>, gave 1.01.
    /// Rounding the same decimal on both gives the source's half-way rule on both.</summary>
    public string Round2(string expression) => Double($"ROUND({Decimal(expression)}, 2)");

    /// <summary>A money amount as an exact decimal of 6 places (up to 10^32). Sums of these are exact and the same
    /// on every warehouse, where a sum of doubles depends on the order the engine adds them in; each engine turns the
    /// double into the nearest 6-place decimal (the amounts' own digits, for amounts written with up to 6 decimals).</summary>
    public string Decimal(string expression) => $"CAST({expression} AS DECIMAL(38, 6))";

    /// <summary>The mean of a double column (nulls ignored, as AVG): the exact decimal sum (<see cref="Decimal"/>) as a
    /// double, divided by the count. <c>AVG(DOUBLE)</c> adds in the engine's own order and way, so the same prices
    /// averaged to 165.2526052104213 on DuckDB and 165.25260521042142 on PostgreSQL; a decimal sum read as a double
    /// and one division are the same on both.</summary>
    public string Mean(string expression) => $"{Double($"SUM({Decimal(expression)})")} / COUNT({expression})";

    public string Double(string expression) => Dialect switch
    {
        SqlDialect.DuckDb => $"CAST({expression} AS DOUBLE)",
        _ => $"CAST({expression} AS DOUBLE PRECISION)",
    };

    /// <summary>A text sort key compared by code point, as DuckDB compares text. PostgreSQL would sort by the
    /// database's collation (en_US puts <c>b-1</c> before <c>B2</c>), so the same mart would list its ties in another
    /// order on each warehouse; the collation is given here, at the sort, rather than on the columns: it needs no
    /// migration of existing tables, and <c>LOWER</c> in the views keeps the database's Unicode case rules (under
    /// <c>"C"</c> PostgreSQL lower-cases ASCII only).</summary>
    public string ByteOrder(string expression) => Dialect switch
    {
        SqlDialect.DuckDb => expression,
        _ => $"{expression} COLLATE \"C\"",
    };

    public string BigInt(string expression) => $"CAST({expression} AS BIGINT)";

    public string Date(string expression) => $"CAST({expression} AS DATE)";

    /// <summary>A literal table of integer rows; VALUES lists work on every target, unlike generate_series on Redshift.</summary>
    public string Values(string alias, IReadOnlyList<string> columns, IEnumerable<long?[]> rows) =>
        $"(VALUES {string.Join(", ", rows.Select(r => "(" + string.Join(", ", r.Select(v => v is null ? BigInt("NULL") : BigInt(v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)))) + ")"))}) AS {alias}({string.Join(", ", columns)})";
}
