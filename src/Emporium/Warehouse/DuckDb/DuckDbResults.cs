using System.Numerics;
using DuckDB.NET.Data;

namespace Emporium.Warehouse.DuckDb;

/// <summary>Reads a DuckDB result into the API's tabular shape, streaming so a row cap stops the scan early, and
/// interrupting the query when the token fires.</summary>
internal static class DuckDbResults
{
    public static QueryResult Read(DuckDBCommand cmd, int maxRows, CancellationToken ct)
    {
        cmd.UseStreamingMode = true;
        using var reg = ct.Register(cmd.Cancel);
        try
        {
            using var reader = cmd.ExecuteReader();
            var columns = new QueryColumn[reader.FieldCount];
            for (var i = 0; i < columns.Length; i++)
            {
                columns[i] = new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i).ToLowerInvariant());
            }
            var rows = new List<object?[]>();
            var truncated = false;
            while (reader.Read())
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
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // An interrupted query surfaces as a DuckDB error; report it as the cancellation it is.
            throw new OperationCanceledException(ct);
        }
    }

    /// <summary>Maps DuckDB-specific CLR values to ones every JSON/CSV writer understands.</summary>
    private static object? Normalize(object value) => value switch
    {
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        BigInteger b => b.ToString(System.Globalization.CultureInfo.InvariantCulture),
        decimal or double or float or long or int or short or byte or sbyte or ushort or uint or ulong => value,
        string or bool or DateTime or DateTimeOffset or DateOnly or TimeOnly or Guid or byte[] => value,
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
    };
}
