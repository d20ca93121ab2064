using Npgsql;

namespace Emporium.Warehouse.Postgres;

/// <summary>Reads a PostgreSQL result into the API's tabular shape.</summary>
internal static class PostgresResults
{
    public static async Task<QueryResult> ReadAsync(NpgsqlCommand cmd, int maxRows, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var columns = new QueryColumn[reader.FieldCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i).ToLowerInvariant());
        }
        var rows = new List<object?[]>();
        var truncated = false;
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            if (rows.Count >= maxRows)
            {
                truncated = true;
                break;
            }
            var row = new object?[columns.Length];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Normalize(reader.GetValue(i));
            }
            rows.Add(row);
        }
        return new QueryResult(columns, rows, truncated);
    }

    /// <summary>Maps PostgreSQL-specific CLR values to ones every JSON/CSV writer understands.</summary>
    private static object? Normalize(object value) => value switch
    {
        decimal or double or float or long or int or short or byte => value,
        string or bool or DateTime or DateTimeOffset or DateOnly or TimeOnly or Guid or byte[] => value,
        TimeSpan t => t.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
