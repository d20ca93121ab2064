using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Reflection;

namespace Emporium.Warehouse;

/// <summary>Reads any ADO.NET result into the API's tabular shape, stopping at the row cap. One implementation
/// serves the synchronous DuckDB path and the asynchronous PostgreSQL path (<paramref name="async"/>), so the two
/// warehouses can never disagree on column naming, truncation or value mapping.</summary>
internal static class QueryResultReader
{
    /// <param name="maxBytes">Budget for the rows as the API writes them (JSON, estimated from each value's size, on
    /// the high side): reading stops before the row that would pass it, so a query asking for a million wide rows holds
    /// at most this much in the process instead of all of them. The first row is kept whatever its size.</param>
    public static async ValueTask<QueryResult> ReadAsync(DbDataReader reader, EngineValues engine, int maxRows, long maxBytes, bool async, CancellationToken ct)
    {
        var columns = new QueryColumn[reader.FieldCount];
        var readers = new Func<DbDataReader, int, object>[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            columns[i] = new QueryColumn(reader.GetName(i), engine.TypeName(reader, i));
            try
            {
                readers[i] = engine.Reader(reader, i) ?? ValueReader(reader.GetFieldType(i));
            }
            catch (Exception e) when (e is ArgumentException or NotSupportedException or InvalidCastException)
            {
                throw Unreadable(columns[i], e);
            }
        }
        var rows = new List<object?[]>();
        string? truncatedBy = null;
        long bytes = 2;
        while (async ? await reader.ReadAsync(ct).ConfigureAwait(false) : reader.Read())
        {
            if (rows.Count >= maxRows)
            {
                truncatedBy = QueryResult.ByRows;
                break;
            }
            var row = new object?[columns.Length];
            for (var i = 0; i < row.Length; i++)
            {
                try
                {
                    row[i] = reader.IsDBNull(i) ? null : Normalize(readers[i](reader, i));
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidCastException or OverflowException or NotSupportedException
                                              or TargetInvocationException)
                {
                    throw Unreadable(columns[i], e is TargetInvocationException { InnerException: { } inner } ? inner : e);
                }
            }
            if (maxBytes != long.MaxValue)
            {
                bytes += JsonSize.Row(row);
                if (bytes > maxBytes && rows.Count > 0)
                {
                    truncatedBy = QueryResult.ByBytes;
                    break;
                }
            }
            rows.Add(row);
        }
        return new QueryResult(columns, rows, truncatedBy is not null, truncatedBy);
    }

    /// <summary>A value the driver cannot hand out (a DuckDB UNION, an interval with months inside a list…) is the
    /// query's problem, not the server's: say which column and how to get it anyway.</summary>
    private static QueryRejectedException Unreadable(QueryColumn column, Exception e) =>
        new($"column '{column.Name}' ({column.Type}) cannot be returned: {e.Message}. Cast it in the query, e.g. CAST(\"{column.Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\" AS VARCHAR)", e);

    private static readonly MethodInfo GetFieldValue = typeof(DbDataReader).GetMethod(nameof(DbDataReader.GetFieldValue))!;

    /// <summary>How a column's values are read. DuckDB refuses to return a list holding a null through <c>GetValue</c>
    /// when its elements are a value type (<c>array_agg</c> of a nullable column), so such columns are read as lists of
    /// nullable elements. (Npgsql types an array column as <see cref="Array"/>; its data source returns nullable
    /// arrays where needed instead.)</summary>
    private static Func<DbDataReader, int, object> ValueReader(Type fieldType)
    {
        if (WithNullableElements(fieldType) is not { } type)
        {
            return static (r, i) => r.GetValue(i);
        }
        var method = GetFieldValue.MakeGenericMethod(type);
        return (r, i) => method.Invoke(r, [i])!;
    }

    /// <summary>The same collection type with nullable value-type elements, at every level; null when nothing changes.</summary>
    private static Type? WithNullableElements(Type type)
    {
        if (type == typeof(byte[]))
        {
            return null;
        }
        if (type.IsArray && type.GetArrayRank() == 1)
        {
            return NullableElement(type.GetElementType()!) is { } element ? element.MakeArrayType() : null;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return NullableElement(type.GetGenericArguments()[0]) is { } element ? typeof(List<>).MakeGenericType(element) : null;
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            var arguments = type.GetGenericArguments();
            return NullableElement(arguments[1]) is { } value ? typeof(Dictionary<,>).MakeGenericType(arguments[0], value) : null;
        }
        return null;
    }

    private static Type? NullableElement(Type element) =>
        element.IsValueType && Nullable.GetUnderlyingType(element) is null
            ? typeof(Nullable<>).MakeGenericType(element)
            : WithNullableElements(element);

    /// <summary>Maps engine-specific CLR values (DuckDB's HUGEINT, PostgreSQL's interval…) to ones every JSON/CSV
    /// writer understands. Nested values (DuckDB's LIST, STRUCT and MAP, PostgreSQL's arrays) become lists and
    /// string-keyed dictionaries of mapped values, so they serialize as JSON arrays and objects, not as a CLR type name.</summary>
    internal static object? Normalize(object? value) => value switch
    {
        null or DBNull => null,
        BigInteger b when b >= long.MinValue && b <= long.MaxValue => (long)b,
        BigInteger b => b.ToString(CultureInfo.InvariantCulture),
        decimal or double or float or long or int or short or byte or sbyte or ushort or uint or ulong => value,
        string or bool or DateTime or DateTimeOffset or DateOnly or TimeOnly or Guid or byte[] => value,
        TimeSpan t => TemporalText.IsoDuration(0, t.Days, (t.Ticks % TimeSpan.TicksPerDay) / TimeSpan.TicksPerMicrosecond),
        IDictionary map => Object(map),
        // DuckDB hands out a BLOB as a stream over its own memory, valid only while the row is current.
        Stream blob => ReadAll(blob),
        IEnumerable items => items.Cast<object?>().Select(Normalize).ToList(),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    private static byte[] ReadAll(Stream blob)
    {
        using var copy = new MemoryStream();
        blob.CopyTo(copy);
        return copy.ToArray();
    }

    private static Dictionary<string, object?> Object(IDictionary map)
    {
        var result = new Dictionary<string, object?>(map.Count, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in map)
        {
            result[Convert.ToString(Normalize(entry.Key), CultureInfo.InvariantCulture) ?? ""] = Normalize(entry.Value);
        }
        return result;
    }
}
