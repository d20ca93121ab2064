using System.Data.Common;
using System.Globalization;
using System.Numerics;
using DuckDB.NET.Native;

namespace Emporium.Warehouse.DuckDb;

/// <summary>DuckDB's values that DuckDB.NET's <c>GetValue</c> throws on or mislabels: infinite dates and timestamps,
/// intervals with months, decimals wider than <see cref="decimal"/>, a <c>TIMESTAMPTZ</c> handed out without its UTC
/// kind, a <c>TIMETZ</c> handed out as a date-time on day one. DuckDB.NET names types by its enum; the few whose name
/// differs from DuckDB's own get DuckDB's.</summary>
internal sealed class DuckDbValues : EngineValues
{
    public static readonly DuckDbValues Instance = new();

    private static readonly Dictionary<string, string> SqlNames = new(StringComparer.Ordinal)
    {
        ["UnsignedTinyInt"] = "utinyint",
        ["UnsignedSmallInt"] = "usmallint",
        ["UnsignedInteger"] = "uinteger",
        ["UnsignedBigInt"] = "ubigint",
        ["UnsignedHugeInt"] = "uhugeint",
        ["TimestampS"] = "timestamp_s",
        ["TimestampMs"] = "timestamp_ms",
        ["TimestampNs"] = "timestamp_ns",
    };

    public override string TypeName(DbDataReader reader, int ordinal)
    {
        var name = reader.GetDataTypeName(ordinal);
        return SqlNames.TryGetValue(name, out var sql) ? sql : name.ToLowerInvariant();
    }

    public override Func<DbDataReader, int, object>? Reader(DbDataReader reader, int ordinal) => reader.GetDataTypeName(ordinal) switch
    {
        "Date" => static (r, i) => Date(r.GetFieldValue<DuckDBDateOnly>(i)),
        "Timestamp" or "TimestampS" or "TimestampMs" or "TimestampNs" => static (r, i) => Timestamp(r.GetFieldValue<DuckDBTimestamp>(i), DateTimeKind.Unspecified),
        "TimestampTz" => static (r, i) => Timestamp(r.GetFieldValue<DuckDBTimestamp>(i), DateTimeKind.Utc),
        "TimeTz" => static (r, i) =>
        {
            var value = r.GetFieldValue<DuckDBTimeTz>(i);
            return TemporalText.TimeWithOffset(((TimeOnly)value.Time).ToTimeSpan(), TimeSpan.FromSeconds(value.Offset));
        },
        "Interval" => static (r, i) =>
        {
            var value = r.GetFieldValue<DuckDBInterval>(i);
            return TemporalText.IsoDuration(value.Months, value.Days, unchecked((long)value.Micros));
        },
        "Decimal" => static (r, i) => WideDecimal(r, i),
        _ => null,
    };

    private static object Date(DuckDBDateOnly value) =>
        value.IsInfinity ? TemporalText.Infinity(value.IsPositiveInfinity) : value.ToDateOnly();

    private static object Timestamp(DuckDBTimestamp value, DateTimeKind kind) =>
        value.IsInfinity ? TemporalText.Infinity(value.IsPositiveInfinity) : DateTime.SpecifyKind(value.ToDateTime(), kind);

    /// <summary>Digits below which a <see cref="decimal"/> (28 or 29 significant digits) cannot have been rounded.</summary>
    private const int DecimalDigits = 28;

    /// <summary>A DECIMAL(38, s) can exceed <see cref="decimal"/>: DuckDB.NET throws when its integer part does not fit,
    /// and rounds the fraction silently when all its digits do not (12345678901234567890.1234567891 read …123456789).
    /// Such a value is exact text, as a HUGEINT's is.</summary>
    private static object WideDecimal(DbDataReader reader, int ordinal)
    {
        decimal value;
        try
        {
            value = reader.GetDecimal(ordinal);
        }
        catch (OverflowException)
        {
            return ExactDecimal(reader, ordinal);
        }
        var text = value.ToString(CultureInfo.InvariantCulture);
        if (text.TrimStart('-').Replace(".", "", StringComparison.Ordinal).TrimStart('0').Length < DecimalDigits)
        {
            return value;
        }
        var exact = ExactDecimal(reader, ordinal);
        return exact == text ? value : exact;
    }

    private static string ExactDecimal(DbDataReader reader, int ordinal)
    {
        var value = reader.GetFieldValue<DuckDBDecimal>(ordinal);
        var unscaled = value.Value.ToBigInteger();
        var digits = BigInteger.Abs(unscaled).ToString(CultureInfo.InvariantCulture).PadLeft(value.Scale + 1, '0');
        var sign = unscaled.Sign < 0 ? "-" : "";
        return value.Scale == 0 ? sign + digits : $"{sign}{digits[..^value.Scale]}.{digits[^value.Scale..]}";
    }
}
