using System.Globalization;
using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Batch.Formats;

/// <summary>Parquet through DuckDB's <c>read_parquet</c> on a private in-memory connection; DuckDB streams row
/// groups, so a large file is never materialised. Values become invariant text for the shared normalizer
/// (timestamps ISO-8601; nested and binary values as DuckDB's CAST to VARCHAR prints them).</summary>
public sealed class ParquetFormatReader : IFormatReader
{
    public FileFormat Format => FileFormat.Parquet;

    public async IAsyncEnumerable<SourceRow> ReadAsync(FormatInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        long total;
        using (var count = connection.CreateCommand())
        {
            count.CommandText = $"SELECT count(*) FROM read_parquet({DuckDbSql.Literal(input.Path)})";
            try
            {
                total = Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            catch (DuckDBException e)
            {
                throw new FileReadException($"not a readable Parquet file: {FirstLine(e.Message)}", e);
            }
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SelectList(connection, input.Path)} FROM read_parquet({DuckDbSql.Literal(input.Path)})";
        using var reader = command.ExecuteReader();
        var header = new HeaderIndex(Enumerable.Range(0, reader.FieldCount).Select(reader.GetName));
        long record = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            bool more;
            try
            {
                more = reader.Read();
            }
            catch (DuckDBException e)
            {
                throw new FileReadException($"corrupt Parquet after row {record}: {FirstLine(e.Message)}", e);
            }
            if (!more)
            {
                break;
            }
            record++;
            var values = new string?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : Text(reader.GetValue(i));
            }
            if (total > 0 && record % 4096 == 0)
            {
                input.ReportBytes(input.Probe.Size * record / total);
            }
            yield return SourceRow.FromFields(new RowPosition(record, 0), new FieldRow(header, values));
        }
        input.ReportBytes(input.Probe.Size);
    }

    /// <summary>The file's columns, the nested and binary ones cast to DuckDB's text of them (<c>[a, b]</c>,
    /// <c>{'k': 1}</c>): .NET would get a List, a Dictionary or a byte array, whose ToString is the name of its type.</summary>
    private static string SelectList(DuckDBConnection connection, string path)
    {
        using var describe = connection.CreateCommand();
        describe.CommandText = $"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet({DuckDbSql.Literal(path)}))";
        using var reader = describe.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read())
        {
            var name = DuckDbSql.Quote(reader.GetString(0));
            columns.Add(PrintedByDuckDb(reader.GetString(1)) ? $"CAST({name} AS VARCHAR) AS {name}" : name);
        }
        return string.Join(", ", columns);
    }

    private static bool PrintedByDuckDb(string type) =>
        type.EndsWith(']') // LIST (T[]) and ARRAY (T[n])
        || type.StartsWith("STRUCT(", StringComparison.Ordinal) || type.StartsWith("MAP(", StringComparison.Ordinal)
        || type.StartsWith("UNION(", StringComparison.Ordinal)
        || type is "BLOB" or "BIT" or "INTERVAL";

    private static string FirstLine(string message) => message.Split('\n')[0];

    private static string? Text(object value) => value switch
    {
        string s => s,
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture),
        // The invariant culture's own date is MM/dd/yyyy, which a day-first column (products' observed_at) read as the
        // 1st of February for 2024-01-02, and refused past the 12th: dates and times are written as ISO.
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };
}
