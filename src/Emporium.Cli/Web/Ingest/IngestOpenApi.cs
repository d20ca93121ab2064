namespace Emporium.Cli.Web.Ingest;

/// <summary>The problems every ingest route can answer (they share <see cref="IngestHandler"/>), declared once so the
/// OpenAPI document lists them for each.</summary>
public static class IngestOpenApi
{
    public static RouteHandlerBuilder ProducesIngestProblems(this RouteHandlerBuilder route) =>
        route.ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429).ProducesProblem(503);
}
