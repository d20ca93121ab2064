using System.Globalization;
using System.Text.Json;

namespace Emporium.Datasets;

/// <summary>The wire form of a canonical record in the log and the raw lake zone: one JSON object with canonical
/// names. Timestamps are ISO-8601 UTC strings so the raw zone stays readable by any tool.</summary>
public static class CanonicalJson
{
    public static byte[] Serialize(CanonicalRecord record)
    {
        using var buffer = new MemoryStream(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, record);
        }
        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, CanonicalRecord record)
    {
        writer.WriteStartObject();
        var columns = record.Schema.Columns;
        for (var i = 0; i < columns.Count; i++)
        {
            var name = columns[i].Name;
            switch (record.Values[i])
            {
                case null: writer.WriteNull(name); break;
                case string s: writer.WriteString(name, s); break;
                case long l: writer.WriteNumber(name, l); break;
                case double d: writer.WriteNumber(name, d); break;
                case bool b: writer.WriteBoolean(name, b); break;
                case DateTime t: writer.WriteString(name, t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)); break;
                case var other: throw new InvalidOperationException($"{record.Schema.Name}.{name}: unsupported value type {other.GetType().Name}");
            }
        }
        writer.WriteEndObject();
    }

    public static CanonicalRecord Deserialize(DatasetSchema schema, ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        using var doc = JsonDocument.ParseValue(ref reader);
        return FromElement(schema, doc.RootElement);
    }

    public static CanonicalRecord FromElement(DatasetSchema schema, JsonElement element)
    {
        var values = new object?[schema.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var column = schema.Columns[i];
            if (!element.TryGetProperty(column.Name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            values[i] = column.Type switch
            {
                ColumnType.Text => v.GetString(),
                ColumnType.Integer => v.GetInt64(),
                ColumnType.Double => v.GetDouble(),
                ColumnType.Boolean => v.GetBoolean(),
                ColumnType.Timestamp => DateTime.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
                _ => throw new InvalidOperationException($"unknown column type {column.Type}"),
            };
        }
        return new CanonicalRecord(schema, values);
    }
}
