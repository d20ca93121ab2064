using System.Data;
using System.Globalization;
using System.Text;
using Emporium.Lake;
using Emporium.Marts;
using Emporium.Sources.Postgres;
using Emporium.Warehouse;
using Sylvan.Data.Csv;

namespace Emporium.Sources.UserBehaviour;

/// <summary>Lands the order lines of one day from the warehouse's own <c>orders</c> dataset as the
/// <c>user_purchase</c> stage file, in the columns of seed 004's PostgreSQL table (<c>invoice_number</c>,
/// <c>detail</c>…). Seed 004 loaded the same Online Retail lines into PostgreSQL first; a deployment whose orders
/// already stream into Emporium (and the demo, which has no PostgreSQL) reads them where they are.</summary>
public sealed class OrdersPurchaseExtractor(IWarehouse warehouse, ILakeStore lake)
{
    public async Task<PostgresExtract> ExtractAsync(DateOnly ds, CancellationToken ct)
    {
        var day = ds.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // Line order is the order's own (invoice, then stock code) so the stage file is the same on every run, and by
        // code point so it is the same on every warehouse (a linguistic collation puts 85049a before 85049A).
        var sql = new MartSql(warehouse.Dialect);
        var result = await warehouse.QueryAsync($"""
            SELECT invoice_no AS invoice_number, stock_code, description AS detail, quantity, invoice_date, unit_price, customer_id, country
            FROM orders
            WHERE CAST(invoice_date AS DATE) = DATE '{day}'
            ORDER BY {sql.ByteOrder("invoice_no")}, {sql.ByteOrder("stock_code")}, invoice_date, quantity, unit_price, customer_id
            """, ct).ConfigureAwait(false);
        var temp = ScratchFolder.NewPath(null, "orders-extract", ".csv");
        try
        {
            await using (var text = new StreamWriter(temp, false, new UTF8Encoding(false)))
            {
                using var table = ToTable(result);
                using var reader = table.CreateDataReader();
                // The PostgreSQL extract's date style, so the two sources' stage files read alike.
                await using var writer = CsvDataWriter.Create(text, new CsvDataWriterOptions { DateTimeFormat = "yyyy-MM-dd HH:mm:ss", NewLine = "\n" });
                await writer.WriteAsync(reader, ct).ConfigureAwait(false);
            }
            var path = await StageZone.ReplaceDayAsync(lake, new PostgresSourceOptions().StageName, ds, "user_purchase.csv", temp, ct).ConfigureAwait(false);
            return new PostgresExtract(path, result.Rows.Count);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static DataTable ToTable(QueryResult result)
    {
        var table = new DataTable { Locale = CultureInfo.InvariantCulture };
        for (var i = 0; i < result.Columns.Count; i++)
        {
            var type = result.Rows.Select(r => r[i]).FirstOrDefault(v => v is not null)?.GetType() ?? typeof(string);
            table.Columns.Add(result.Columns[i].Name, type);
        }
        foreach (var row in result.Rows)
        {
            table.Rows.Add(row.Select(v => v ?? DBNull.Value).ToArray());
        }
        return table;
    }
}
