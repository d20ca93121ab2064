using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Emporium.Datasets;

/// <summary>The wire form of a canonical record in the log and the raw lake zone: one JSON object with canonical
/// names. Timestamps are ISO-8601 UTC strings so the raw zone stays readable by any tool. Ingest may add one
/// reserved member, <c>_ingest</c> (<see cref="IngestMember"/>), naming the request and record position an entry
/// came from; readers ignore members that are not columns.
/// <para>Both directions run once per record on the hot path (ingest writes, the processor reads), so names are
/// pre-encoded per schema and reading walks the bytes with <see cref="Utf8JsonReader"/> instead of building a
/// document.</para></summary>
public static class CanonicalJson
{
    /// <summary>The reserved member ingest uses for provenance (see <c>Emporium.Ingest.IngestTag</c>).</summary>
    public static readonly JsonEncodedText IngestMember = JsonEncodedText.Encode("_ingest");


    private static readonly ConditionalWeakTable<DatasetSchema, JsonEncodedText[]> Names = new();

    public static byte[] Serialize(CanonicalRecord record)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, record);
        }
        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, CanonicalRecord record) => Write(writer, record, default);

    /// <summary>Writes the record; a non-empty <paramref name="ingestTag"/> is added as the <c>_ingest</c> member.</summary>
    public static void Write(Utf8JsonWriter writer, CanonicalRecord record, ReadOnlySpan<char> ingestTag)
    {
        writer.WriteStartObject();
        var names = NamesOf(record.Schema);
        var values = record.Values;
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            switch (values[i])
            {
                case null: writer.WriteNull(name); break;
                case string s: writer.WriteString(name, s); break;
                case long l: writer.WriteNumber(name, l); break;
                case double d: writer.WriteNumber(name, d); break;
                case bool b: writer.WriteBoolean(name, b); break;
                case DateTime t:
                {
                    Span<byte> utf8 = stackalloc byte[32];
                    writer.WriteString(name, utf8[..FormatTimestamp(t, utf8)]);
                    break;
                }
                case var other: throw new InvalidOperationException($"{record.Schema.Name}.{record.Schema.Columns[i].Name}: unsupported value type {other.GetType().Name}");
            }
        }
        if (!ingestTag.IsEmpty)
        {
            writer.WriteString(IngestMember, ingestTag);
        }
        writer.WriteEndObject();
    }

    /// <summary>UTF-8 of <c>yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'</c> (fraction only when non-zero, without trailing
    /// zeros). Built from the standard "s" format, which has a fast path, because a custom format string is parsed on
    /// every call and this runs for every timestamp of every record.</summary>
    internal static int FormatTimestamp(DateTime value, Span<byte> utf8)
    {
        var utc = value.ToUniversalTime();
        utc.TryFormat(utf8, out var n, "s", CultureInfo.InvariantCulture);
        var fraction = utc.Ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            utf8[n++] = (byte)'.';
            for (var divisor = TimeSpan.TicksPerSecond / 10; divisor > 0 && fraction != 0; divisor /= 10)
            {
                utf8[n++] = (byte)('0' + fraction / divisor);
                fraction %= divisor;
            }
        }
        utf8[n++] = (byte)'Z';
        return n;
    }

    /// <summary>Reads a record written by <see cref="Write(Utf8JsonWriter, CanonicalRecord)"/>. Members that are not
    /// columns are skipped; a value of the wrong type throws (<see cref="InvalidOperationException"/> or
    /// <see cref="FormatException"/>), as does input that is not JSON (<see cref="JsonException"/>).</summary>
    public static CanonicalRecord Deserialize(DatasetSchema schema, ReadOnlySpan<byte> utf8) => Deserialize(schema, utf8, out _);

    /// <summary>Reads a record as <see cref="Deserialize(DatasetSchema, ReadOnlySpan{byte})"/> does, and its
    /// <c>_ingest</c> member, if any, in the same pass.</summary>
    public static CanonicalRecord Deserialize(DatasetSchema schema, ReadOnlySpan<byte> utf8, out string? ingestTag)
    {
        ingestTag = null;
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected a JSON object for {schema.Name}");
        }
        var names = NamesOf(schema);
        var columns = schema.Columns;
        var values = new object?[names.Length];
        var expected = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var column = Find(ref reader, names, expected);
            var tag = column < 0 && reader.ValueTextEquals(IngestMember.EncodedUtf8Bytes);
            reader.Read();
            if (column < 0)
            {
                if (tag && reader.TokenType == JsonTokenType.String)
                {
                    ingestTag = reader.GetString();
                }
                reader.Skip();
                continue;
            }
            expected = column + 1;
            values[column] = reader.TokenType == JsonTokenType.Null ? null : ReadValue(ref reader, columns[column].Type);
        }
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException($"malformed {schema.Name} record");
        }
        return new CanonicalRecord(schema, values);
    }

    /// <summary>The <c>_ingest</c> member of an entry, or null when it has none (or is not a JSON object).</summary>
    public static string? ReadIngestTag(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var mine = reader.ValueTextEquals(IngestMember.EncodedUtf8Bytes);
                reader.Read();
                if (mine)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                reader.Skip();
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The column a property names; canonical JSON lists columns in order, so the next one is tried first.</summary>
    private static int Find(ref Utf8JsonReader reader, JsonEncodedText[] names, int expected)
    {
        if (expected < names.Length && reader.ValueTextEquals(names[expected].EncodedUtf8Bytes))
        {
            return expected;
        }
        for (var i = 0; i < names.Length; i++)
        {
            if (i != expected && reader.ValueTextEquals(names[i].EncodedUtf8Bytes))
            {
                return i;
            }
        }
        return -1;
    }

    private static object ReadValue(ref Utf8JsonReader reader, ColumnType type) => type switch
    {
        ColumnType.Text => reader.GetString()!,
        ColumnType.Integer => reader.GetInt64(),
        ColumnType.Double => reader.GetDouble(),
        ColumnType.Boolean => reader.GetBoolean(),
        ColumnType.Timestamp => ReadTimestamp(ref reader),
        _ => throw new InvalidOperationException($"unknown column type {type}"),
    };

    /// <summary>UTC, with a timestamp without offset taken as UTC (what <c>DateTimeStyles.AssumeUniversal</c> does).</summary>
    private static DateTime ReadTimestamp(ref Utf8JsonReader reader)
    {
        if (!reader.TryGetDateTime(out var at))
        {
            return DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }
        return at.Kind switch
        {
            DateTimeKind.Utc => at,
            DateTimeKind.Unspecified => DateTime.SpecifyKind(at, DateTimeKind.Utc),
            _ => at.ToUniversalTime(),
        };
    }

    private static JsonEncodedText[] NamesOf(DatasetSchema schema) =>
        Names.GetValue(schema, static s => s.Columns.Select(c => JsonEncodedText.Encode(c.Name)).ToArray());
}
