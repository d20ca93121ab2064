using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Marts;
using Emporium.Warehouse;

namespace Emporium.Cli.Web;

/// <summary><c>GET /api/v1/marts</c> (names) and <c>GET /api/v1/marts/{name}?limit=N</c> (rows). Marts are the views of
/// the warehouse, so whatever the processing stage defines is served without a list kept here.</summary>
public sealed class MartEndpoints : IEndpointModule
{
    /// <summary>Ranking marts are "top N" answers: 10 rows unless asked otherwise, as the seed's queries did.</summary>
    private static readonly HashSet<string> TopTen = new(StringComparer.Ordinal) { "daily_sales", "popular_products", "sales_by_country", "top_customers", "top_reviewed_products" };

    public const int MaxLimit = 100_000;

    public ProcessRoles Roles => ProcessRoles.Ingest;


    public void Map(IEndpointRouteBuilder app)
    {
        var failures = new MartReadFailures(app.ServiceProvider.GetRequiredService<ILoggerFactory>());
        app.MapGet("/api/v1/marts", async (Backends backends, CancellationToken ct) =>
                Results.Json(new { marts = Listing(await ListAsync(backends.RequireWarehouse(), ct)) }, ApiErrors.Json))
            .RequireScope(Scopes.Read)
            .WithName("Marts")
            .WithSummary("Every mart with whether it can be read now");
        app.MapGet("/api/v1/marts/{name}", async (string name, int? limit, Backends backends, CancellationToken ct) =>
            {
                var warehouse = backends.RequireWarehouse();
                var marts = await ListAsync(warehouse, ct);
                // Names match case-insensitively, as dataset names do (SQL folds unquoted names too); the answer
                // carries the mart's own spelling.
                if (marts.FirstOrDefault(m => string.Equals(m, name, StringComparison.OrdinalIgnoreCase)) is not { } known)
                {
                    if (MartCatalog.Find(name) is { } pending)
                    {
                        // A mart of the catalog (emporium marts lists it) whose view or table is made once the tables it
                        // reads exist: "not a mart" would send the user looking for a typo.
                        return ApiErrors.Problem(404, "mart not available yet", pending.NotAvailableYet,
                            [ApiErrors.Field("name", "not available yet")], new Dictionary<string, object?> { ["known"] = marts });
                    }
                    return ApiErrors.Problem(404, "unknown mart", $"'{name}' is not a mart; marts: {string.Join(", ", marts)}", [ApiErrors.Field("name", "unknown")],
                        new Dictionary<string, object?> { ["known"] = marts });
                }
                name = known;
                // Refused rather than cut, as the dead letters' and alerts' limits are: a client asking for more rows
                // than it gets would not know. Marts have no offset.
                if (ApiErrors.InvalidPage(limit, null, MaxLimit, "rows") is { } badLimit)
                {
                    return badLimit;
                }
                QueryResult result;
                try
                {
                    result = await ReadAsync(warehouse, name, limit, ct);
                }
                catch (QueryRejectedException e) when (e.TimedOut && !ct.IsCancellationRequested)
                {
                    // Not the caller's fault, as a user query stopped there is (a 400): the view is the server's, and
                    // no limit the caller can pass makes an aggregate faster. A gateway-style timeout says so.
                    return ApiErrors.Problem(504, "mart timed out", $"mart '{name}': {e.Message} (the warehouse's QueryTimeout)", [ApiErrors.Field("name", e.Message)],
                        new Dictionary<string, object?> { ["mart"] = name });
                }
                catch (Exception e) when (MartReadFailures.IsReadFailure(e) && !ct.IsCancellationRequested)
                {
                    return failures.Failed(name, e);
                }
                failures.Succeeded(name);
                return ResultJson.Table(result, name);
            })
            .RequireScope(Scopes.Read)
            .WithName("Mart")
            .WithSummary("Rows of one mart")
            .Produces(200).ProducesProblem(400).ProducesProblem(404).ProducesProblem(500).ProducesProblem(503).ProducesProblem(504).ProducesProblem(507);
    }

    private static async Task<QueryResult> ReadAsync(IWarehouse warehouse, string name, int? limit, CancellationToken ct)
    {
        if (MartCatalog.Find(name) is not null)
        {
            // Catalog marts carry their presentation order (highest first for the rankings) and default limit.
            return await new MartService(warehouse).QueryAsync(name, limit, ct);
        }
        var n = limit ?? (TopTen.Contains(name) ? 10 : MaxLimit);
        // The name was matched against the catalog above, so quoting it is safe.
        return (await warehouse.QueryTimedAsync($"SELECT * FROM \"{name}\" LIMIT {n + 1}", ct)).Cut(n);
    }

    /// <summary>Every mart of the catalog, in its order, with whether it can be read now and, when not, why; then the
    /// warehouse's other views (served as marts too). The catalog's marts were listed only once their tables existed,
    /// while <c>emporium marts</c> listed them all: the same mart was there or not depending on who asked.</summary>
    public static IReadOnlyList<MartListing> Listing(IReadOnlyList<string> available)
    {
        var now = new HashSet<string>(available, StringComparer.OrdinalIgnoreCase);
        return MartCatalog.All.Select(m => now.Contains(m.Name)
                ? new MartListing(m.Name, true, m.Description, null)
                : new MartListing(m.Name, false, m.Description, m.NotAvailableYet))
            .Concat(available.Where(name => MartCatalog.Find(name) is null).Select(name => new MartListing(name, true, null, null)))
            .ToList();
    }

    /// <summary>Mart names: the views of the warehouse's current schema, plus the table-backed marts whose table exists.</summary>
    public static async Task<IReadOnlyList<string>> ListAsync(IWarehouse warehouse, CancellationToken ct)
    {
        // Catalog names are identifiers, so inlining them as literals is safe.
        var tables = string.Join(", ", MartCatalog.All.Where(m => m.BackedByTable).Select(m => $"'{m.Name}'").DefaultIfEmpty("''"));
        var result = await warehouse.QueryAsync(
            $"SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND (table_type = 'VIEW' OR table_name IN ({tables})) ORDER BY table_name", ct);
        return result.Rows.Select(r => Convert.ToString(r[0], System.Globalization.CultureInfo.InvariantCulture)!).ToList();
    }
}

/// <summary>One mart of <c>GET /api/v1/marts</c>: <paramref name="Reason"/> says why a mart is not available yet.</summary>
public sealed record MartListing(string Name, bool Available, string? Description, string? Reason);
