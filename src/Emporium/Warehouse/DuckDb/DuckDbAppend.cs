using DuckDB.NET.Data;

namespace Emporium.Warehouse.DuckDb;

/// <summary>Appends one canonical value (string, long, double, bool, DateTime, or null) to an appender row.</summary>
internal static class DuckDbAppend
{
    public static IDuckDBAppenderRow Value(IDuckDBAppenderRow row, object? value) => value switch
    {
        null => row.AppendNullValue(),
        string s => row.AppendValue(s),
        long l => row.AppendValue((long?)l),
        int i => row.AppendValue((long?)i),
        double d => row.AppendValue((double?)d),
        bool b => row.AppendValue((bool?)b),
        DateTime t => row.AppendValue((DateTime?)(t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t)),
        DateTimeOffset o => row.AppendValue((DateTime?)o.UtcDateTime),
        _ => throw new InvalidOperationException($"cannot append a value of type {value.GetType().Name}"),
    };
}
