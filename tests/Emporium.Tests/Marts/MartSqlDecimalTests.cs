using DuckDB.NET.Data;
using Emporium.Marts;
using Emporium.Warehouse;

namespace Emporium.Tests.Marts;

/// <summary>On DuckDB an amount of at most 6 decimals below 10^9 is cast straight to a decimal rather than read from
/// its text (the slow part of every sales mart). The shortcut must give the decimal the text gives for every double,
/// not only for the prices it is meant for.</summary>
public sealed class MartSqlDecimalTests
{
    [Fact]
    public void The_straight_cast_gives_the_decimal_of_the_amounts_text_for_every_double()
    {
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        // Prices of 2 decimals and their multiples (the line totals the marts sum: 123.45 * 3 is 370.34999999999997),
        // 6-decimal amounts, ties at the 7th decimal, amounts around the 10^9 bound and past it, and arbitrary doubles.
        cmd.CommandText = """
            CREATE TABLE amounts AS
            SELECT CAST(i % 100000 AS DOUBLE) / 100 * (1 + i % 7) AS x FROM range(200000) r(i)
            UNION ALL SELECT CAST(i AS DOUBLE) / 1000000 * (CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END) FROM range(100000) r(i)
            UNION ALL SELECT (CAST(i AS DOUBLE) * 10 + 5) / 10000000 FROM range(50000) r(i)
            UNION ALL SELECT 999999000 + CAST(i AS DOUBLE) / 1000 FROM range(2000000, 2010000) r(i)
            UNION ALL SELECT 1e9 + CAST(i AS DOUBLE) / 100 FROM range(10000) r(i)
            UNION ALL SELECT (random() - 0.5) * pow(10, CAST(i % 14 AS DOUBLE)) FROM range(100000) r(i)
            UNION ALL SELECT NULL
            """;
        cmd.ExecuteNonQuery();
        var shortcut = new MartSql(SqlDialect.DuckDb).Decimal("x");

        cmd.CommandText = $"""
            SELECT count(*) FILTER (WHERE ({shortcut}) IS DISTINCT FROM CAST(CAST(x AS VARCHAR) AS DECIMAL(38, 6))),
                   count(*) FILTER (WHERE ABS(x) < 1e9 AND x * 1e6 = ROUND(x * 1e6)),
                   count(*)
            FROM amounts
            """;
        using var reader = cmd.ExecuteReader();
        Assert.True(reader.Read());
        var (differing, straight, all) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));

        Assert.Equal(0, differing);
        Assert.InRange(straight, all / 2, all - 1); // the comparison covered both paths
    }
}
