using System.Text.Json;
using Emporium.Batch.Catalog;
using Emporium.Cli.Commands.Batch;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;

namespace Emporium.Cli.Web;

/// <summary><c>GET /api/v1/catalog[?files=all]</c> (every dataset and crawled table: schema, partitions, files, rows, last load;
/// the first <see cref="ListedFiles"/> files of a table with <c>filesTotal</c> and <c>filesOmitted</c> unless <c>files=all</c>),
/// <c>GET /api/v1/catalog/{name}[?files=all]</c>, <c>DELETE /api/v1/catalog/{name}</c> (admin: drops a crawled table), and <c>POST /api/v1/crawl[?files=all] {"path","name"?}</c> (admin: reads the server's files; answers the tables it
/// made, their files listed as the catalog lists them).</summary>
public sealed class CatalogEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Ingest;

    /// <summary>Files listed per table unless <c>files=all</c> is asked for (the dashboard shows as many).</summary>
    public const int ListedFiles = 200;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/catalog", async (string? files, Backends backends, CancellationToken ct) =>
            {
                if (FilesProblem(files) is { } problem)
                {
                    return problem;
                }
                var tables = (await new CatalogReport(backends.RequireWarehouse(), backends.Lake).ListAsync(ct)).Select(t => Listed(t, files));
                return Results.Text(JsonSerializer.Serialize(new { tables }, BatchJson.Options), "application/json");
            })
            .RequireScope(Scopes.Read)
            .WithName("Catalog")
            .WithSummary("Every dataset and crawled table: schema, partitions, files (the first 200 unless files=all), rows, last load");

        app.MapGet("/api/v1/catalog/{name}", async (string name, string? files, Backends backends, CancellationToken ct) =>
            {
                if (FilesProblem(files) is { } problem)
                {
                    return problem;
                }
                var tables = await new CatalogReport(backends.RequireWarehouse(), backends.Lake).ListAsync(ct);
                return tables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) is { } table
                    ? Results.Text(JsonSerializer.Serialize(Listed(table, files), BatchJson.Options), "application/json")
                    : ApiErrors.Problem(404, "unknown table", $"'{name}' is not catalogued (known: {string.Join(", ", tables.Select(t => t.Name))})", [ApiErrors.Field("name", "not catalogued")]);
            })
            .RequireScope(Scopes.Read)
            .WithName("CatalogTable")
            .WithSummary("One dataset or crawled table of the catalog");

        app.MapDelete("/api/v1/catalog/{name}", async (string name, Backends backends, CancellationToken ct) =>
            {
                var store = new CatalogStore(backends.RequireWarehouse());
                try
                {
                    if (await store.DropAsync(name, ct) is { } dropped)
                    {
                        return Results.Json(new { dropped });
                    }
                }
                catch (CrawlException e)
                {
                    return ApiErrors.Problem(400, "not a crawled table", e.Message, [ApiErrors.Field("name", e.Message)]);
                }
                return ApiErrors.Problem(404, "unknown table", await store.UnknownTableMessageAsync(name, ct), [ApiErrors.Field("name", "not a crawled table")]);
            })
            .RequireScope(Scopes.Admin)
            .WithName("DropCrawledTable")
            .WithSummary("Drop a crawled table and its catalog entry");

        app.MapPost("/api/v1/crawl", async (HttpContext context, string? files, Backends backends, TimeProvider time, CancellationToken ct) =>
            {
                if (FilesProblem(files) is { } problem)
                {
                    return problem;
                }
                CrawlRequest? request;
                try
                {
                    request = await JsonSerializer.DeserializeAsync<CrawlRequest>(context.Request.Body, BatchJson.Options, ct);
                }
                catch (JsonException e)
                {
                    return ApiErrors.InvalidJson(e, "{\"path\": \"/absolute/path\", \"name\"?: \"table\"}");
                }
                if (string.IsNullOrWhiteSpace(request?.Path))
                {
                    return ApiErrors.Problem(400, "missing path", "expected {\"path\": \"...\", \"name\"?: \"...\"}", [ApiErrors.Field("path", "required")]);
                }
                if (ServerPaths.Problem([request.Path]) is { } relative)
                {
                    return ApiErrors.Problem(400, "relative path", relative, [ApiErrors.Field("path", relative)]);
                }
                try
                {
                    var tables = (await new Crawler(backends.RequireWarehouse(), time).CrawlAsync(request.Path, request.Name, ct)).Select(t => Listed(t, files));
                    return Results.Text(JsonSerializer.Serialize(new { tables }, BatchJson.Options), "application/json");
                }
                catch (CrawlException e)
                {
                    return ApiErrors.Problem(400, "cannot crawl", e.Message, [ApiErrors.Field("path", e.Message)]);
                }
            })
            .RequireScope(Scopes.Admin)
            .WithName("Crawl")
            .WithSummary("Infer a schema for files on the server and make them a queryable table (or one per group of unrelated schemas)");
    }

    /// <summary>The value of <c>files</c> that lists every file of a table.</summary>
    public const string AllFiles = "all";

    private static CatalogTable Listed(CatalogTable table, string? files) => files == AllFiles ? table : table.Capped(ListedFiles);

    private static IResult? FilesProblem(string? files) => files is null or AllFiles ? null
        : ApiErrors.Problem(400, "invalid files", $"files must be '{AllFiles}' (every file of each table) or absent (the first {ListedFiles})", [ApiErrors.Field("files", $"expected '{AllFiles}'")]);
}

/// <summary>Body of <c>POST /api/v1/crawl</c>.</summary>
public sealed record CrawlRequest(string Path, string? Name);
