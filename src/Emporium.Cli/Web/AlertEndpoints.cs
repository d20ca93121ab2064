using System.Globalization;
using Emporium.Alerts;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;

namespace Emporium.Cli.Web;

/// <summary><c>GET /api/v1/alerts?limit=&amp;kind=&amp;asin=&amp;source=&amp;since=YYYY-MM-DD</c>: price, stock and demand
/// alerts, newest first, with their webhook delivery counts. Answers <c>{"alerts":[…]}</c>.</summary>
public sealed class AlertEndpoints : IEndpointModule
{
    private static readonly HashSet<string> Kinds = [AlertKind.PriceChange, AlertKind.OutOfStock, AlertKind.BackInStock, AlertKind.DemandJump];

    public ProcessRoles Roles => ProcessRoles.Ingest;


    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/alerts", async (int? limit, long? offset, string? kind, string? asin, string? source, string? since, Backends backends, CancellationToken ct) =>
            {
                // An empty filter (a form's blank field: `?asin=`) is no filter, not a match for the empty value.
                (kind, asin, source, since) = (Given(kind), Given(asin), Given(source), Given(since));
                if (ApiErrors.InvalidPage(limit, offset, AlertQuery.MaxLimit, "newer alerts") is { } badPage)
                {
                    return badPage;
                }
                // A NUL ends the statement's text for both engines (a C string): the literal broke the query, a 500.
                foreach (var (field, value) in new[] { ("asin", asin), ("source", source) })
                {
                    if (value is not null && value.Contains('\0', StringComparison.Ordinal))
                    {
                        return ApiErrors.Problem(400, $"invalid {field}", $"{field} must not contain a NUL character (U+0000); no stored {field} holds one",
                            [ApiErrors.Field(field, "contains a NUL character")]);
                    }
                }
                if (kind is not null && !Kinds.Contains(kind))
                {
                    return ApiErrors.Problem(400, "invalid kind", $"kind must be one of {string.Join(", ", Kinds)}", [ApiErrors.Field("kind", "unknown alert kind")]);
                }
                DateOnly? from = null;
                if (since is not null)
                {
                    if (!DateOnly.TryParseExact(since, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                    {
                        return ApiErrors.Problem(400, "invalid since", "since must be a date YYYY-MM-DD", [ApiErrors.Field("since", "expected YYYY-MM-DD")]);
                    }
                    from = day;
                }
                var alerts = await new AlertQuery(limit ?? 100, kind, asin, source, from, offset ?? 0).RunAsync(backends.RequireWarehouse(), ct);
                return Results.Json(new { alerts }, ApiErrors.Json);
            })
            .RequireScope(Scopes.Read)
            .WithName("Alerts")
            .WithSummary("Price, stock and demand alerts, newest first, a page at a time (limit, offset)");
    }

    private static string? Given(string? filter) => string.IsNullOrWhiteSpace(filter) ? null : filter.Trim();
}
