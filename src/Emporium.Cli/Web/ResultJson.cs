using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Emporium.Warehouse;

namespace Emporium.Cli.Web;

/// <summary>The tabular answer shape shared by marts and queries: <c>{"name"?,"columns":[{"name","type"}],"rows":[[...]],"truncated","truncatedBy"}</c>.
/// Warehouse values may be 128-bit integers or non-finite doubles, which plain JSON options refuse.</summary>
public static class ResultJson
{
    public static readonly JsonSerializerOptions Options = Create();

    public static IResult Table(QueryResult result, string? name = null)
    {
        var body = new Dictionary<string, object?>();
        if (name is not null)
        {
            body["name"] = name;
        }
        body["columns"] = result.Columns.Select(c => new { name = c.Name, type = c.Type }).ToList();
        body["rows"] = result.Rows;
        body["truncated"] = result.Truncated;
        body["truncatedBy"] = result.TruncatedBy;
        return Results.Json(body, Options);
    }

    private static JsonSerializerOptions Create()
    {
        var options = WireJson.CreateOptions(new BigIntegerConverter());
        options.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
        return options;
    }

    private sealed class BigIntegerConverter : JsonConverter<BigInteger>
    {
        public override BigInteger Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            BigInteger.Parse(reader.TokenType == JsonTokenType.String ? reader.GetString()! : System.Text.Encoding.UTF8.GetString(reader.ValueSpan), System.Globalization.CultureInfo.InvariantCulture);

        public override void Write(Utf8JsonWriter writer, BigInteger value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.ToString(System.Globalization.CultureInfo.InvariantCulture), skipInputValidation: true);
    }
}
