using System.Text.Json;

namespace Emporium.Cli.Web;

/// <summary>Error bodies in one shape everywhere (RFC 9457 problem details plus field errors):
/// <c>{"type","title","status","detail","errors":[{"field","error"}]}</c>.</summary>
public static class ApiErrors
{
    public static readonly JsonSerializerOptions Json = WireJson.CreateOptions();

    public static IResult Problem(int status, string title, string? detail = null, IEnumerable<object>? errors = null, IReadOnlyDictionary<string, object?>? extra = null) =>
        Results.Text(ProblemJson(status, title, detail, errors, extra), "application/problem+json", statusCode: status);

    public static string ProblemJson(int status, string title, string? detail = null, IEnumerable<object>? errors = null, IReadOnlyDictionary<string, object?>? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = $"https://httpstatuses.io/{status}",
            ["title"] = title,
            ["status"] = status,
        };
        if (detail is not null)
        {
            body["detail"] = detail;
        }
        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                body[k] = v;
            }
        }
        body["errors"] = errors?.ToList() ?? [];
        return JsonSerializer.Serialize(body, Json);
    }

    /// <summary>The 404 for a name that is not a dataset, listing the datasets (also as <c>known</c>) under
    /// <paramref name="field"/>.</summary>
    /// <param name="among">The datasets the route takes (default: the canonical ones).</param>
    public static IResult UnknownDataset(string? name, string field = "dataset", IReadOnlyList<Datasets.DatasetSchema>? among = null)
    {
        var known = (among ?? Datasets.DatasetCatalog.All).Select(d => d.Name).ToList();
        return Problem(404, "unknown dataset", $"'{name}' is not a dataset; known datasets: {string.Join(", ", known)}",
            [Field(field, "unknown")], new Dictionary<string, object?> { ["known"] = known });
    }

    /// <summary>The 400 for a JSON body that does not parse (where it breaks) or holds a value of the wrong type (which
    /// member, and what it should be); <paramref name="expected"/> shows the body's shape.</summary>
    public static IResult InvalidJson(JsonException error, string expected)
    {
        var (field, reason) = Diagnostics.JsonErrorText.Describe(error);
        return InvalidMember(field, reason, expected);
    }

    /// <summary>The 400 for a body member a route checks itself, worded as <see cref="InvalidJson"/> words a member
    /// the binder could not read: <c>maxRows: expected an integer; the body must be {…}</c>.</summary>
    public static IResult InvalidMember(string field, string reason, string expected) =>
        // The parser's sentences end in a period, which would stand before the semicolon.
        Problem(400, "invalid JSON", $"{(field == "body" ? "" : field + ": ")}{reason.TrimEnd('.')}; the body must be {expected}", [Field(field, reason)]);

    /// <summary>One field error.</summary>
    public static object Field(string field, string error) => new { field, error };

    /// <summary>The 400 for a page whose <paramref name="limit"/> is not 1..<paramref name="maxLimit"/> or whose
    /// <paramref name="offset"/> is negative, or null when both are fine (absent is fine). <paramref name="skipped"/> says
    /// what offset skips ("newer alerts").</summary>
    public static IResult? InvalidPage(int? limit, long? offset, int maxLimit, string skipped)
    {
        if (limit is { } n && (n < 1 || n > maxLimit))
        {
            return Problem(400, "invalid limit", $"limit must be between 1 and {maxLimit}", [Field("limit", $"must be 1..{maxLimit}")]);
        }
        return offset is < 0
            ? Problem(400, "invalid offset", $"offset must be 0 or more (the number of {skipped} to skip)", [Field("offset", "must be >= 0")])
            : null;
    }
}
