using System.Net.Http.Json;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Datasets;
using Emporium.Log;
using Emporium.Processing;

namespace Emporium.Cli.Web;

/// <summary><c>POST /api/v1/replay</c> <c>{"dataset","fromOffset","partition"?}</c> (admin): rewinds the running
/// processor of this server.</summary>
public sealed class ReplayEndpoints : IEndpointModule
{
    public sealed record ReplayRequest(string? Dataset, long? FromOffset, int? Partition);

    public sealed record ReplayRow(string Topic, int Partition, long RequestedOffset, long EffectiveOffset, long PreviousOffset, int DeletedSources, long LogStartOffset);

    private const string Expected = "{\"dataset\": \"orders\", \"fromOffset\": N, \"partition\"?: P}";

    public ProcessRoles Roles => ProcessRoles.Processor;

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/replay", async (HttpContext context, IServiceProvider services, Backends backends, CancellationToken ct) =>
            {
                ReplayRequest? request;
                try
                {
                    // Read whatever the content type says, as the other JSON endpoints do (a body binding answers a
                    // bare 415 to curl's default form type).
                    request = await System.Text.Json.JsonSerializer.DeserializeAsync<ReplayRequest>(context.Request.Body, ApiErrors.Json, ct);
                }
                catch (System.Text.Json.JsonException e)
                {
                    return ApiErrors.InvalidJson(e, Expected);
                }
                // Dead letters are landed by the processor like any dataset, so they replay like one.
                var schema = request?.Dataset is null ? null : DatasetCatalog.FindStreamed(request.Dataset);
                if (schema is null)
                {
                    return ApiErrors.UnknownDataset(request?.Dataset, among: DatasetCatalog.Streamed);
                }
                if (request!.FromOffset is not >= 0 || request.Partition is < 0)
                {
                    return ApiErrors.Problem(400, "invalid offset", "fromOffset is required and must be >= 0; partition, when given, >= 0",
                        [ApiErrors.Field("fromOffset", "must be >= 0")]);
                }
                if (services.GetService<StreamProcessor>() is not { } processor)
                {
                    return ApiErrors.Problem(503, "processor not running", "this server runs no stream processor", []);
                }
                IReadOnlyList<ReplayResult> results;
                try
                {
                    results = await processor.ReplayAsync(schema, request.FromOffset.Value, request.Partition, ct);
                }
                catch (UnknownPartitionException e)
                {
                    return ApiErrors.Problem(400, "unknown partition", e.Message, [ApiErrors.Field("partition", "no such partition")]);
                }
                return Results.Json(new
                {
                    dataset = schema.Name,
                    partitions = results.Select(r => new ReplayRow(r.Partition.Topic, r.Partition.Partition, r.RequestedOffset, r.EffectiveOffset, r.PreviousOffset, r.DeletedSources, r.LogStartOffset)),
                }, ApiErrors.Json);
            })
            .RequireScope(Scopes.Admin)
            .WithName("Replay")
            .WithSummary("Re-process a dataset from a log offset");
    }

    /// <summary>Client side of the endpoint, for <c>emporium replay</c>.</summary>
    public static async Task<IReadOnlyList<ReplayResult>> RequestAsync(EmporiumClient client, string dataset, long from, int? partition, CancellationToken ct)
    {
        using var response = await client.Http.PostAsJsonAsync("api/v1/replay", new ReplayRequest(dataset, from, partition), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new ApiException((int)response.StatusCode, EmporiumClient.Describe(body, response));
        }
        using var doc = System.Text.Json.JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("partitions").EnumerateArray().Select(p => new ReplayResult(
            new TopicPartition(p.GetProperty("topic").GetString()!, p.GetProperty("partition").GetInt32()),
            p.GetProperty("requestedOffset").GetInt64(), p.GetProperty("effectiveOffset").GetInt64(),
            p.GetProperty("previousOffset").GetInt64(), p.GetProperty("deletedSources").GetInt32(),
            p.TryGetProperty("logStartOffset", out var start) ? start.GetInt64() : 0)).ToList();
    }
}
