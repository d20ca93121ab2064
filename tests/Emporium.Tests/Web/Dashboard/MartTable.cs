using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>A mart or query answer as the API returned it: <c>{"columns":[{"name","type"}],"rows":[[...]]}</c>.</summary>
public sealed record MartTable(IReadOnlyList<string> Columns, IReadOnlyList<JsonElement[]> Rows)
{
    public static async Task<MartTable?> GetAsync(HttpClient http, string url)
    {
        using var res = await http.GetAsync(url);
        if (res.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        res.EnsureSuccessStatusCode();
        return Parse(await res.Content.ReadFromJsonAsync<JsonElement>());
    }

    public static async Task<MartTable> QueryAsync(HttpClient http, string sql)
    {
        using var res = await http.PostAsJsonAsync("api/v1/query", new { sql });
        var body = await res.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(res.IsSuccessStatusCode, $"query failed: {body}");
        return Parse(body);
    }

    private static MartTable Parse(JsonElement body) => new(
        body.GetProperty("columns").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToList(),
        body.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.Clone()).ToArray()).ToList());

    public int Index(string column) => Columns.ToList().IndexOf(column) is var i and >= 0 ? i : throw new KeyNotFoundException(column);

    public List<double?> Numbers(string column) =>
        Rows.Select(r => r[Index(column)] is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : (double?)null).ToList();

    public List<string> Texts(string column) =>
        Rows.Select(r => r[Index(column)] is { ValueKind: not JsonValueKind.Null } v ? (v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText()) : "(none)").ToList();
}
