using System.Text.Json;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Diagnostics;
using Emporium.Warehouse;

namespace Emporium.Cli.Web;

/// <summary><c>POST /api/v1/query {"sql","maxRows"?}</c>: one read-only SELECT/WITH statement; refused statements are a
/// 400 with the warehouse's reason. <c>GET /api/v1/tables</c>: what such a statement may read, with columns.</summary>
public sealed class QueryEndpoints : IEndpointModule
{
    public const int DefaultMaxRows = 10_000;

    /// <summary>The most rows a query answers; a larger <c>maxRows</c> is taken as this.</summary>
    public const int MaxMaxRows = 1_000_000;

    private const string BodyShape = "{\"sql\": \"SELECT …\", \"maxRows\"?: N}";

    public ProcessRoles Roles => ProcessRoles.Ingest;


    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/query", async (HttpContext context, Backends backends, CancellationToken ct) =>
            {
                string? sql = null;
                var maxRows = DefaultMaxRows;
                try
                {
                    using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: ct);
                    if (doc.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        if (doc.RootElement.TryGetProperty("sql", out var s) && s.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
                        {
                            return ApiErrors.InvalidMember("sql", "expected a string", BodyShape);
                        }
                        sql = s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                        if (doc.RootElement.TryGetProperty("maxRows", out var m) && m.ValueKind != JsonValueKind.Null)
                        {
                            // Any integer is one (1e7, or one past Int32): past the cap it is the cap, as documented.
                            if (m.ValueKind != JsonValueKind.Number || !m.TryGetDouble(out var mr) || mr != Math.Floor(mr))
                            {
                                return ApiErrors.InvalidMember("maxRows", "expected an integer", BodyShape);
                            }
                            if (mr < 1)
                            {
                                return ApiErrors.InvalidMember("maxRows", "must be at least 1", BodyShape);
                            }
                            maxRows = (int)Math.Min(mr, MaxMaxRows);
                        }
                    }
                }
                catch (JsonException e)
                {
                    return ApiErrors.InvalidJson(e, BodyShape);
                }
                if (string.IsNullOrWhiteSpace(sql))
                {
                    return ApiErrors.Problem(400, "missing sql", "expected {\"sql\": \"SELECT …\"}", [ApiErrors.Field("sql", "required")]);
                }
                try
                {
                    var result = await backends.RequireWarehouse().QueryReadOnlyAsync(sql, maxRows, ct);
                    return ResultJson.Table(result);
                }
                catch (QueryRejectedException e) when (OutOfMemory.Describe(e) is { } cause)
                {
                    return Hosting.UnhandledExceptionResponder.OutOfMemoryProblem(cause);
                }
                catch (QueryRejectedException e)
                {
                    return ApiErrors.Problem(400, e.Refused ? "query refused" : "query failed", e.Message, [ApiErrors.Field("sql", e.Message)]);
                }
            })
            .RequireScope(Scopes.Read)
            .WithName("Query")
            .WithSummary("Run one read-only SQL query against the warehouse")
            .DescribesBody(typeof(QueryRequest), "application/json")
            .Produces(200).ProducesProblem(400).ProducesProblem(503).ProducesProblem(507);

        app.MapGet("/api/v1/tables", async (Backends backends, CancellationToken ct) =>
                Results.Json(new { tables = await WarehouseRelations.ListAsync(backends.RequireWarehouse(), ct) }, ApiErrors.Json))
            .RequireScope(Scopes.Read)
            .WithName("Tables")
            .WithSummary("The tables and views a query may read, with their columns");
    }
}

/// <summary>Body of <c>POST /api/v1/query</c>, as the OpenAPI document describes it (the endpoint reads the JSON
/// itself, to name a field of the wrong type).</summary>
public sealed record QueryRequest(string Sql, int? MaxRows);
