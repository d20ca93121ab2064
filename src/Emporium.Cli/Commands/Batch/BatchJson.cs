using System.Text.Json;
using System.Text.Json.Serialization;

namespace Emporium.Cli.Commands.Batch;

/// <summary>JSON shape of batch requests and summaries on the wire (camelCase, enums as names).</summary>
public static class BatchJson
{
    public static readonly JsonSerializerOptions Options = Web.WireJson.CreateOptions(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
}
