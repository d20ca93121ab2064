using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Emporium.Warehouse;

namespace Emporium.Cli.Commands.Client;

/// <summary>Thin client of the Emporium HTTP API used by CLI commands that go through a running server.</summary>
public sealed class EmporiumClient : IDisposable
{
    public EmporiumClient(string baseUrl, string? apiKey, TimeSpan? timeout = null)
    {
        var server = new Uri(baseUrl.TrimEnd('/') + "/");
        Http = new HttpClient(new ServerUnreachableHandler(server)) { BaseAddress = server, Timeout = timeout ?? TimeSpan.FromMinutes(5) };
        if (!string.IsNullOrWhiteSpace(apiKey))
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
    }

    public HttpClient Http { get; }

    public async Task<QueryResult> QueryAsync(string sql, int maxRows, CancellationToken ct)
    {
        using var response = await Http.PostAsJsonAsync("api/v1/query", new { sql, maxRows }, ct);
        return await ReadTableAsync(response, ct);
    }

    public async Task<IReadOnlyList<Web.MartListing>> MartsAsync(CancellationToken ct)
    {
        using var response = await Http.GetAsync("api/v1/marts", ct);
        var json = await ReadJsonAsync(response, ct);
        return json.GetProperty("marts").Deserialize<List<Web.MartListing>>(JsonSerializerOptions.Web)!;
    }

    public async Task<QueryResult> MartAsync(string name, int? limit, CancellationToken ct)
    {
        using var response = await Http.GetAsync($"api/v1/marts/{Uri.EscapeDataString(name)}{(limit is { } l ? $"?limit={l}" : "")}", ct);
        return await ReadTableAsync(response, ct);
    }

    /// <summary>A GET whose JSON answer is read as <typeparamref name="T"/>; an error answer is an <see cref="ApiException"/>.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var response = await Http.GetAsync(path, ct);
        return (await ReadJsonAsync(response, ct)).Deserialize<T>(JsonSerializerOptions.Web)
            ?? throw new ApiException((int)response.StatusCode, $"empty answer from {path}");
    }

    public void Dispose() => Http.Dispose();

    /// <summary>Reads the API's table shape back into a <see cref="QueryResult"/> (values as JSON scalars).</summary>
    public static async Task<QueryResult> ReadTableAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var json = await ReadJsonAsync(response, ct);
        var columns = json.GetProperty("columns").EnumerateArray()
            .Select(c => new QueryColumn(c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!)).ToList();
        var rows = json.GetProperty("rows").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(Scalar).ToArray()).ToList();
        var truncated = json.TryGetProperty("truncated", out var t) && t.ValueKind == JsonValueKind.True;
        var by = json.TryGetProperty("truncatedBy", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null;
        return new QueryResult(columns, rows, truncated, by);
    }

    /// <summary>The JSON of a 2xx answer; any other is an <see cref="ApiException"/> with the server's explanation.</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiException((int)response.StatusCode, Describe(text, response), IsNotServed(text));
        }
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The most useful line of an error body: problem details' detail or title, else the text.</summary>
    public static string Describe(string body, HttpResponseMessage response)
    {
        try
        {
            var json = JsonDocument.Parse(body).RootElement;
            if (json.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
            {
                // In a split deployment the command reached a process of another role: say what to change.
                if (IsNotServed(json))
                {
                    return $"{d.GetString()} Aim --url at a process with that role.";
                }
                // A 401's detail says what to do ("send the key as …"); its title says what is wrong ("API key
                // required", "unknown API key"), which the detail alone left to guess.
                return response.StatusCode == System.Net.HttpStatusCode.Unauthorized && json.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String
                    ? $"{title.GetString()}: {d.GetString()}"
                    : d.GetString()!;
            }
            if (json.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String)
            {
                return t.GetString()!;
            }
        }
        catch (JsonException)
        {
        }
        return string.IsNullOrWhiteSpace(body) ? $"{(int)response.StatusCode} {response.ReasonPhrase}" : body;
    }

    /// <summary>Whether the body says the command reached a process of another role (a split deployment).</summary>
    private static bool IsNotServed(string body)
    {
        try
        {
            return IsNotServed(JsonDocument.Parse(body).RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsNotServed(JsonElement json) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("title", out var title) && title.ValueEquals(Web.OtherRolesEndpoints.NotServedTitle);

    private static object? Scalar(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when e.TryGetInt64(out var l) => l,
        JsonValueKind.Number => e.GetDouble(),
        _ => e.GetRawText(),
    };
}

/// <summary>The server answered with an error; <see cref="Exception.Message"/> is its explanation.</summary>
public sealed class ApiException(int status, string message, bool notServed = false) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The process reached does not serve the path: another role's process does (the command's target is
    /// wrong, not its arguments).</summary>
    public bool NotServed { get; } = notServed;
}
