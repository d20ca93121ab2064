using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Emporium.Cli.Web.Ingest;

/// <summary>What every ingest route shares (they all go through <see cref="IngestHandler"/>), declared once so the
/// OpenAPI document lists it for each: the problems it answers, the <c>Content-Encoding</c>s and charsets it reads and
/// the <c>Idempotency-Key</c> it honours, so a generated client knows it may compress a body or send Latin-1.</summary>
public static class IngestOpenApi
{
    private const string TooLarge =
        "The body is over Ingest:MaxBodyBytes (by Content-Length, or while reading a chunked body or once decompressed), or holds more than Ingest:MaxRecordsPerRequest records.";

    private const string Unsupported =
        "The Content-Type is missing or not one read, or its charset or the Content-Encoding is not one read (the detail names those read).";

    public static RouteHandlerBuilder ProducesIngestProblems(this RouteHandlerBuilder route) =>
        route.ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422).ProducesProblem(429).ProducesProblem(503)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "Content-Encoding",
                    In = ParameterLocation.Header,
                    Description = "The body's compression, decompressed before it is read; the body limit counts the bytes decompressed.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. BodyDecoding.Encodings.Select(e => (JsonNode)JsonValue.Create(e))] },
                });
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "Idempotency-Key",
                    In = ParameterLocation.Header,
                    Description = "A retry with the same key and body is answered as the first time, without appending again; the same key with another body is a 422.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IngestHandler.MaxIdempotencyKeyLength },
                });
                if (operation.RequestBody is OpenApiRequestBody body)
                {
                    body.Description = $"UTF-8 unless the Content-Type's charset says otherwise; the charsets read: {string.Join(", ", BodyDecoding.Charsets)}. A byte-order mark outranks the charset.";
                }
                Describe(operation, "413", TooLarge);
                Describe(operation, "415", Unsupported);
                return Task.CompletedTask;
            });

    private static void Describe(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses?.GetValueOrDefault(status) is OpenApiResponse response)
        {
            response.Description = description;
        }
    }
}
