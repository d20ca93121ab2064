using System.Data.Common;
using NpgsqlTypes;

namespace Emporium.Warehouse.Postgres;

/// <summary>PostgreSQL's values that Npgsql's <c>GetValue</c> cannot map as the DuckDB warehouse does: a numeric
/// beyond <see cref="decimal"/>, an interval with months (not a <see cref="TimeSpan"/>), a <c>timetz</c> handed out
/// as a date-time on day one, and infinite dates and timestamps.</summary>
internal sealed class PostgresValues : EngineValues
{
    public static readonly PostgresValues Instance = new();

    public override Func<DbDataReader, int, object>? Reader(DbDataReader reader, int ordinal) => reader.GetDataTypeName(ordinal) switch
    {
        "numeric" or ['n', 'u', 'm', 'e', 'r', 'i', 'c', '(', ..] => PostgresNumeric.Read,
        "interval" => static (r, i) =>
        {
            var value = r.GetFieldValue<NpgsqlInterval>(i);
            return TemporalText.IsoDuration(value.Months, value.Days, value.Time);
        },
        "time with time zone" => static (r, i) =>
        {
            var value = r.GetFieldValue<DateTimeOffset>(i);
            return TemporalText.TimeWithOffset(value.TimeOfDay, value.Offset);
        },
        // Npgsql reads PostgreSQL's infinite dates and timestamps as the CLR's smallest and largest values; the API
        // says infinity, as the DuckDB warehouse does.
        "date" or "timestamp without time zone" or "timestamp with time zone" => static (r, i) => r.GetValue(i) switch
        {
            DateTime t when t == DateTime.MaxValue => TemporalText.Infinity(positive: true),
            DateTime t when t == DateTime.MinValue => TemporalText.Infinity(positive: false),
            DateOnly d when d == DateOnly.MaxValue => TemporalText.Infinity(positive: true),
            DateOnly d when d == DateOnly.MinValue => TemporalText.Infinity(positive: false),
            var value => value,
        },
        _ => null,
    };
}
