using System.Data.Common;
using System.Globalization;
using System.Numerics;

namespace Emporium.Warehouse;

/// <summary>Reads any ADO.NET result into the API's tabular shape, stopping at the row cap. One implementation
/// serves the synchronous DuckDB path and the asynchronous PostgreSQL path (<paramref name="async"/>), so the two
/// warehouses can never disagree on column naming, truncation or value mapping.</summary>
internal static class QueryResultReader
{
    public static async ValueTask<QueryResult> ReadAsync(DbDataReader reader, int maxRows, bool async, CancellationToken ct)
    {
        var columns = new QueryColumn[reader.FieldCount];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i).ToLowerInvariant());
        }
        var rows = new List<object?[]>();
        var truncated = false;
        while (async ? await reader.ReadAsync(ct).ConfigureAwait(false) : reader.Read())
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

    /// <summary>Maps engine-specific CLR values (DuckDB's HUGEINT, PostgreSQL's interval…) to ones every JSON/CSV
    /// writer understands.</summary>
    private static object? Normalize(object value) => value switch
    {
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        decimal or double or float or long or int or short or byte or sbyte or ushort or uint or ulong => value,
        string or bool or DateTime or DateTimeOffset or DateOnly or TimeOnly or Guid or byte[] => value,
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };
}
