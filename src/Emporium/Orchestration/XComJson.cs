using System.Text.Json;

namespace Emporium.Orchestration;

internal static class XComJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
