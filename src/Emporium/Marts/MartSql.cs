using Emporium.Warehouse;

namespace Emporium.Marts;

/// <summary>The few expressions whose spelling differs between warehouses. Mart bodies are written once against
/// these helpers and render to DuckDB or PostgreSQL (kept to what Redshift accepts as well).</summary>
public sealed class MartSql(SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;

    /// <summary>Rounds a decimal (an exact sum or difference of <see cref="Decimal"/> amounts, or a ratio of counts) to
    /// 2 decimals, half away from zero, and returns a double. Rounding a double instead missed the half-way rule: the
    /// double nearest 1.005 is 1.00499999…, which DuckDB's <c>ROUND(DOUBLE, 2)</c> took down to 1.00 while PostgreSQL,
    /// rounding through <c>numeric</c>, gave 1.01.</summary>
    public string Round2(string expression) => Double($"ROUND(CAST({expression} AS DECIMAL(38, 6)), 2)");

    /// <summary>A money amount (a double) as an exact decimal of 6 places (up to 10^32). Sums of these are exact and
    /// the same on every warehouse, where a sum of doubles depends on the order the engine adds them in. The decimal is
    /// read from the double's shortest text, the digits the amount was written with, rounded half away from zero at the
    /// 6th decimal, alike on both engines. Cast straight to a decimal, PostgreSQL kept 15 significant digits
    /// (1234567890.123456 became 1234567890.123460) and DuckDB scaled the double by 10^6 as a double, exact only below
    /// 2^53 (99587666899.465 became …464992, a cent less). DuckDB reads text into a <c>DECIMAL(18, 6)</c> fast and
    /// into a <c>DECIMAL(38, 6)</c> a hundred times slower, so amounts below 10^12 (every amount a record may carry
    /// but ±10^12 itself, <see cref="Datasets.DatasetSchema.MaxAmount"/>) take the first. Text costs 6–8 times a
    /// straight cast there, so an amount below 10^9 whose double times 10^6 is a whole number (one of at most 6
    /// decimals: nearly every price) is cast straight: below 10^15 the scaled double is off by less than half a unit,
    /// so the straight cast gives the digits the text would.</summary>
    public string Decimal(string expression) => Dialect switch
    {
        SqlDialect.DuckDb => $"CASE WHEN ABS({expression}) < 1e9 AND {expression} * 1e6 = ROUND({expression} * 1e6) THEN CAST({expression} AS DECIMAL(38, 6)) " +
                             $"WHEN ABS({expression}) < 1e12 THEN CAST(CAST(CAST({expression} AS VARCHAR) AS DECIMAL(18, 6)) AS DECIMAL(38, 6)) " +
                             $"ELSE CAST(CAST({expression} AS VARCHAR) AS DECIMAL(38, 6)) END",
        _ => $"CAST(CAST({expression} AS VARCHAR) AS DECIMAL(38, 6))",
    };

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
