using System.Data.Common;
using NpgsqlTypes;

namespace Emporium.Warehouse.Postgres;

/// <summary>PostgreSQL's values that Npgsql's <c>GetValue</c> cannot map as the DuckDB warehouse does: an interval
/// with months (not a <see cref="TimeSpan"/>) and a <c>timetz</c> handed out as a date-time on day one.</summary>
internal sealed class PostgresValues : EngineValues
{
    public static readonly PostgresValues Instance = new();

    public override Func<DbDataReader, int, object>? Reader(DbDataReader reader, int ordinal) => reader.GetDataTypeName(ordinal) switch
    {
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
        _ => null,
    };
}
