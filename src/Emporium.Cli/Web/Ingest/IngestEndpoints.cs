using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Datasets;
using Emporium.Ingest;

namespace Emporium.Cli.Web.Ingest;

/// <summary><c>POST /api/v1/ingest/{dataset}</c>: one JSON object, a JSON array or NDJSON; 202 once durable.</summary>
public sealed class IngestEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Ingest;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/ingest/{dataset}", (string dataset, HttpContext context, IngestHandler handler) =>
            {
                var schema = DatasetCatalog.Find(dataset);
                if (schema is null)
                {
                    return Task.FromResult(ApiErrors.UnknownDataset(dataset));
                }
                var format = BodyFormats.FromContentType(context.Request.ContentType) ?? BodyFormat.Json;
                var source = $"http:{context.Request.Path}";
                return handler.HandleAsync(context, $"/api/v1/ingest/{schema.Name}", async (body, pipeline, tag, ct) =>
                {
                    var records = IngestBodyParser.Parse(body, format);
                    return handler.RefuseTooMany(records.Count) ?? IngestHandler.Outcome(await pipeline.IngestAsync(schema, records, source, tag, ct));
                });
            })
            .RequireScope(Scopes.Ingest)
            .WithName("Ingest")
            .WithSummary("Append records to a dataset's log")
            .WithDescription("Body: one JSON object, a JSON array of objects, or NDJSON (application/x-ndjson). Answers 202 with accepted/rejected counts once the accepted records are durable; invalid records go to the dead letters. Honors Idempotency-Key.")
            .DescribesBody(null, [.. BodyFormats.Accepted])
            .Produces(202).ProducesProblem(404)
            .ProducesIngestProblems();
    }
}
