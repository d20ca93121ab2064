using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emporium.Cli.Web;

/// <summary>How every body this server writes encodes text and instants.</summary>
public static class WireJson
{
    /// <summary>Error details and rejected values are read by people (curl, logs) as much as by programs, so a quote, a
    /// '+' or an accented letter stays itself instead of becoming <c>\u0027</c>. The default encoder escapes them to
    /// make JSON safe inside HTML; these bodies are never HTML, and the dashboard puts values into the page as text.</summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Instants as ISO 8601 in UTC with a <c>Z</c>. Without them a <see cref="DateTimeOffset"/> (what the
    /// warehouse returns for a <c>timestamptz</c> column, e.g. an alert's <c>detectedAt</c>) is written
    /// <c>+00:00</c> while a UTC <see cref="DateTime"/> is written <c>Z</c>: one API, two formats.</summary>
    public static IReadOnlyList<JsonConverter> Converters { get; } = [new UtcDateTimeOffsetConverter(), new UtcDateTimeConverter()];

    /// <summary>Web defaults (camelCase) with this encoder and these converters, plus a body's own.</summary>
    public static JsonSerializerOptions CreateOptions(params JsonConverter[] extra)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = Encoder };
        foreach (var converter in Converters.Concat(extra))
        {
            options.Converters.Add(converter);
        }
        return options;
    }

    private const string UtcFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    private sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString(UtcFormat, CultureInfo.InvariantCulture));
    }

    /// <summary>A UTC or local <see cref="DateTime"/> is an instant, written in UTC; one of unspecified kind is a
    /// <c>timestamp</c> without a zone (a warehouse column's value) and is written as it is, claiming no zone.</summary>
    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTime();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
        {
            if (value.Kind == DateTimeKind.Unspecified)
            {
                writer.WriteStringValue(value);
                return;
            }
            writer.WriteStringValue(value.ToUniversalTime().ToString(UtcFormat, CultureInfo.InvariantCulture));
        }
    }
}
