using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Datasets;
using Emporium.Ingest;

namespace Emporium.Cli.Web.Ingest;

/// <summary>Routes compatible with the original product-streaming API, so its clients work unchanged:
/// <c>POST /AmazonProduct</c> (with <c>date</c> as <c>31/12/2023 00:00</c>) and <c>POST /Category</c>, each one JSON
/// object, answered <c>201</c> with the item once it is durable in the log; a bad date or record is a 400 with the item.</summary>
public sealed class SeedEndpoints : IEndpointModule
{
    /// <summary>The seed's date format (day first, 24-hour clock).</summary>
    public const string SeedDateFormat = "dd/MM/yyyy HH:mm";

    private const string AmazonProductRoute = "/AmazonProduct";

    private const string CategoryRoute = "/Category";

    public ProcessRoles Roles => ProcessRoles.Ingest;


    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(AmazonProductRoute, (HttpContext context, IngestHandler handler) =>
                handler.HandleAsync(context, AmazonProductRoute, (body, pipeline, tag, ct) => IngestOneAsync(DatasetCatalog.Products, body, pipeline, context.Request.Path, withDate: true, tag, ct)))
            .RequireScope(Scopes.Ingest)
            .WithName("SeedAmazonProduct")
            .WithSummary("Seed-compatible: one product, date as DD/MM/YYYY HH:MM; 201 with the item")
            .DescribesBody(null, "application/json")
            .Produces<JsonElement>(201)
            .ProducesIngestProblems();
        app.MapPost(CategoryRoute, (HttpContext context, IngestHandler handler) =>
                handler.HandleAsync(context, CategoryRoute, (body, pipeline, tag, ct) => IngestOneAsync(DatasetCatalog.Categories, body, pipeline, context.Request.Path, withDate: false, tag, ct)))
            .RequireScope(Scopes.Ingest)
            .WithName("SeedCategory")
            .WithSummary("Seed-compatible: one category; 201 with the item")
            .DescribesBody(null, "application/json")
            .Produces<JsonElement>(201)
            .ProducesIngestProblems();
    }

    private static async Task<IngestResponse> IngestOneAsync(DatasetSchema schema, ReadOnlyMemory<byte> body, IngestPipeline pipeline, string path, bool withDate, IngestTag? tag, CancellationToken ct)
    {
        var records = IngestBodyParser.Parse(body, BodyFormat.Json);
        // The seed's routes take one object; an array, even of one, is a batch, which /api/v1/ingest takes.
        var array = body.Span.TrimStart(" \t\r\n"u8) is [(byte)'[', ..];
        if (array || records is not [{ Error: null } only] || only.ToElement() is not { } item)
        {
            var reason = records.Count == 1 && !array ? records[0].Error ?? "expected a JSON object"
                : $"got {(array ? "an array of " : "")}{records.Count} value{(records.Count == 1 ? "" : "s")}; this route takes one item per request (use /api/v1/ingest/{schema.Name} for batches)";
            return new IngestResponse(400, ApiErrors.ProblemJson(400, "expected one JSON object", reason, [ApiErrors.Field("body", reason)]));
        }
        var input = only;
        if (HoldsBrokenText(item))
        {
            // The bulk route's reason; the item cannot be echoed (no text can hold it), and answering with it was a 500.
            const string reason = "not valid text: a \\u escape is half of a UTF-16 surrogate pair";
            await pipeline.RejectAsync(schema, only, new FieldError("$", reason), $"http:{path}", tag, ct);
            return new IngestResponse(400, ApiErrors.ProblemJson(400, "invalid item", reason, [ApiErrors.Field("$", reason)]));
        }
        // Field names match in any case here as everywhere else in ingest ("Date" is the seed's date too).
        if (withDate && item.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, "date", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not (JsonValueKind.Undefined or JsonValueKind.Null) } dateField)
        {
            var date = dateField.Value;
            if (date.ValueKind != JsonValueKind.String ||
                !DateTime.TryParseExact(date.GetString(), SeedDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                var reason = $"invalid date {date.GetRawText()}: expected DD/MM/YYYY HH:MM";
                // The other fields are checked too, so one answer names every problem (as for any invalid item):
                // the client does not fix the date only to meet the price on the next try.
                var rest = JsonNode.Parse(item.GetRawText())!.AsObject();
                rest.Remove(dateField.Name);
                List<FieldError> errors = [new FieldError("date", reason), .. pipeline.Check(schema, InputRecord.Rewritten(only, JsonSerializer.SerializeToUtf8Bytes(rest)))];
                await pipeline.RejectAsync(schema, only, errors, $"http:{path}", tag, ct);
                return ItemError(errors, item);
            }
            var node = JsonNode.Parse(item.GetRawText())!.AsObject();
            // Hand the normalizer an unambiguous instant under the canonical name: the seed's day-first format is
            // this route's contract, not something to guess at elsewhere.
            node.Remove(dateField.Name);
            node["observed_at"] = parsed.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            input = InputRecord.Rewritten(only, JsonSerializer.SerializeToUtf8Bytes(node));
        }
        var result = await pipeline.IngestAsync(schema, [input], $"http:{path}", tag, ct);
        if (result.Accepted == 0)
        {
            return ItemError(result.Errors.Select(e => new FieldError(e.Field, e.Error)).ToList(), item);
        }
        return new IngestResponse(201, item.GetRawText());
    }

    /// <summary>Whether a name or string in the item has a lone UTF-16 surrogate escape (<c>"\ud800"</c>): valid JSON
    /// syntax, but reading it as text throws.</summary>
    private static bool HoldsBrokenText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name; // decodes the name, which throws for a broken escape
                        if (HoldsBrokenText(property.Value))
                        {
                            return true;
                        }
                    }
                    return false;
                case JsonValueKind.Array:
                    return element.EnumerateArray().Any(HoldsBrokenText);
                case JsonValueKind.String:
                    _ = element.GetString();
                    return false;
                default:
                    return false;
            }
        }
        catch (InvalidOperationException e) when (e.TargetSite?.DeclaringType?.Assembly == typeof(JsonElement).Assembly)
        {
            return true;
        }
    }

    /// <summary>One entry per bad field, worded as /api/v1/ingest words it; the detail names each field.</summary>
    private static IngestResponse ItemError(IReadOnlyList<FieldError> errors, JsonElement item) =>
        new(400, ApiErrors.ProblemJson(400, "invalid item", string.Join("; ", errors.Select(e => $"{e.Field}: {e.Error}")),
            [.. errors.Select(e => ApiErrors.Field(e.Field, e.Error))],
            new Dictionary<string, object?> { ["item"] = item }));
}
