using System.Buffers.Binary;
using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Emporium.Warehouse.Postgres;

/// <summary>A PostgreSQL <c>numeric</c> as the API hands it out: a <see cref="decimal"/> when one holds it, otherwise
/// its exact digits as text (as the DuckDB warehouse does for a wide DECIMAL). Npgsql reads numeric into
/// <see cref="decimal"/> only and throws for a value beyond its 28–29 digits, which failed the whole query; the text
/// is decoded from the value's binary form (which Npgsql hands out as bytes), and covers NaN and the infinities too.</summary>
internal static class PostgresNumeric
{
    private const ushort Negative = 0x4000;
    private const ushort NaN = 0xC000;
    private const ushort PositiveInfinity = 0xD000;
    private const ushort NegativeInfinity = 0xF000;

    public static object Read(DbDataReader reader, int ordinal)
    {
        try
        {
            return reader.GetDecimal(ordinal);
        }
        catch (Exception e) when (e is OverflowException or InvalidCastException)
        {
            // Beyond decimal (Npgsql throws rather than round), or NaN or an infinity.
            return Exact(reader, ordinal);
        }
    }

    /// <summary>The value's exact text, read from its binary form. Only a value <see cref="decimal"/> cannot hold gets
    /// here, so it is never a decimal.</summary>
    private static string Exact(DbDataReader reader, int ordinal)
    {
        var raw = new byte[reader.GetBytes(ordinal, 0, null, 0, 0)];
        reader.GetBytes(ordinal, 0, raw, 0, raw.Length);
        return Text(raw);
    }

    /// <summary>The value of PostgreSQL's binary numeric (int16 digit count, int16 weight, uint16 sign, int16 display
    /// scale, then base-10 000 digits, the first of weight <c>weight</c>) written with its display scale, as
    /// PostgreSQL's own output writes it.</summary>
    public static string Text(ReadOnlySpan<byte> raw)
    {
        var count = BinaryPrimitives.ReadInt16BigEndian(raw);
        var weight = BinaryPrimitives.ReadInt16BigEndian(raw[2..]);
        var sign = BinaryPrimitives.ReadUInt16BigEndian(raw[4..]);
        var scale = BinaryPrimitives.ReadInt16BigEndian(raw[6..]);
        switch (sign)
        {
            case NaN:
                return "NaN";
            case PositiveInfinity:
                return "Infinity";
            case NegativeInfinity:
                return "-Infinity";
        }
        var text = new StringBuilder();
        if (sign == Negative)
        {
            text.Append('-');
        }
        if (weight < 0)
        {
            text.Append('0');
        }
        for (var i = 0; i <= weight; i++)
        {
            text.Append(Digit(raw, count, i).ToString(i == 0 ? "D" : "D4", CultureInfo.InvariantCulture));
        }
        if (scale > 0)
        {
            text.Append('.');
            var fraction = new StringBuilder();
            for (var i = weight + 1; fraction.Length < scale; i++)
            {
                fraction.Append(Digit(raw, count, i).ToString("D4", CultureInfo.InvariantCulture));
            }
            text.Append(fraction, 0, scale);
        }
        return text.ToString();
    }

    /// <summary>The base-10 000 digit at <paramref name="i"/> (0 is the first, of the numeric's weight); 0 outside the
    /// stored ones (PostgreSQL strips zero digits at both ends).</summary>
    private static short Digit(ReadOnlySpan<byte> raw, short count, int i) =>
        i >= 0 && i < count ? BinaryPrimitives.ReadInt16BigEndian(raw[(8 + 2 * i)..]) : (short)0;
}
