using Npgsql;

namespace Emporium.Tests.TestSupport;

/// <summary>Creates seed 004's <c>retail.user_purchase</c> table (its own DDL) in a PostgreSQL database and loads
/// the real sample export into it with COPY FROM.</summary>
public static class UserPurchaseTable
{
    public const string Ddl = """
        CREATE SCHEMA IF NOT EXISTS retail;
        CREATE TABLE retail.user_purchase (
            invoice_number varchar(10),
            stock_code varchar(20),
            detail varchar(1000),
            quantity int,
            invoice_date timestamp,
            unit_price numeric(8,3),
            customer_id int,
            country varchar(20)
        );
        """;

    public static async Task LoadSampleAsync(string connectionString, CancellationToken ct = default)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using (var ddl = new NpgsqlCommand(Ddl, conn))
        {
            await ddl.ExecuteNonQueryAsync(ct);
        }
        await using (var writer = await conn.BeginTextImportAsync("COPY retail.user_purchase FROM STDIN WITH (FORMAT CSV, HEADER)", ct))
        {
            await writer.WriteAsync(await File.ReadAllTextAsync(SampleData.UserPurchase, ct));
        }
    }
}
