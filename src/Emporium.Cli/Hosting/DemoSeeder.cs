using System.Globalization;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Demo;
using Emporium.Ingest;
using Emporium.Orchestration;
using Microsoft.Extensions.DependencyInjection;

namespace Emporium.Cli.Hosting;

/// <summary>Fills an empty data dir with generated demo data through the normal ingest path (<c>up --demo</c>), so
/// the demo exercises the same normalizer, log, processor and marts as real data. A data dir that already holds
/// records is left alone.</summary>
public static class DemoSeeder
{
    /// <summary>Rows per dataset: the category list, a product catalog the reviews refer to, and enough orders and
    /// reviews for every day of the demo period.</summary>
    public sealed record Sizes(int Products = 2000, int Reviews = 10_000, int Orders = 20_000);

    /// <summary>Records sent per ingest call, as a client sending NDJSON batches would.</summary>
    private const int BatchSize = 1000;

    public static async Task SeedIfEmptyAsync(EmporiumHost host, TextWriter output, CancellationToken ct, Sizes? sizes = null)
    {
        sizes ??= new Sizes();
        var pipeline = host.App.Services.GetService<IngestPipeline>();
        var log = host.Backends.Log;
        if (pipeline is null || log is null)
        {
            output.WriteLine("  demo:      ingest is unavailable; starting without demo data");
            return;
        }
        foreach (var dataset in DatasetCatalog.All)
        {
            var ends = await log.GetEndOffsetsAsync(dataset.Name, ct);
            if (ends.Values.Any(offset => offset > 0))
            {
                output.WriteLine("  demo:      the data dir already holds records; no demo data added");
                return;
            }
        }
        var options = new DemoOptions(CatalogSize: sizes.Products);
        var plan = new (string Dataset, long Rows)[]
        {
            ("categories", CategoryNames.All.Count),
            ("products", sizes.Products),
            ("reviews", sizes.Reviews),
            ("orders", sizes.Orders),
        };
        var summary = new List<string>();
        var orders = 0L;
        foreach (var (dataset, rows) in plan)
        {
            var schema = DatasetCatalog.Find(dataset)!;
            var accepted = 0L;
            foreach (var batch in DemoGenerators.Records(dataset, rows, options).Chunk(BatchSize))
            {
                accepted += (await IngestAsync(pipeline, schema, batch, ct)).Accepted;
            }
            summary.Add($"{accepted:N0} {dataset}");
            orders = dataset == "orders" ? accepted : orders;
        }
        output.WriteLine($"  demo:      sent {string.Join(", ", summary)} through ingest");
        await QueueUserBehaviourAsync(host, orders, output, ct);
    }

    /// <summary>Days of user behaviour the demo computes: the last week of its orders.</summary>
    public const int UserBehaviourDays = 7;

    /// <summary>Queues <c>user_behaviour</c> for the last week of demo orders, read from the orders dataset (the demo
    /// has no PostgreSQL), once the processor has committed them, so the Customers page is not empty.</summary>
    private static async Task QueueUserBehaviourAsync(EmporiumHost host, long orders, TextWriter output, CancellationToken ct)
    {
        var engine = host.App.Services.GetService<DagEngine>();
        var warehouse = host.Backends.Warehouse;
        if (engine is null || warehouse is null || orders == 0)
        {
            return;
        }
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            while (Convert.ToInt64((await warehouse.QueryAsync("SELECT count(*) FROM orders", patience.Token)).Rows[0][0], CultureInfo.InvariantCulture) < orders)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), patience.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            output.WriteLine("  demo:      the processor had not committed the demo orders after 2 minutes; user_behaviour not run");
            return;
        }
        DateOnly? last = (await warehouse.QueryAsync("SELECT max(CAST(invoice_date AS DATE)) FROM orders", ct)).Rows[0][0] switch
        {
            DateOnly d => d,
            DateTime t => DateOnly.FromDateTime(t),
            _ => null,
        };
        if (last is not { } to)
        {
            return;
        }
        var from = to.AddDays(1 - UserBehaviourDays);
        engine.Backfill("user_behaviour", from, to, new Dictionary<string, string?> { ["purchases_from"] = "orders" });
        output.WriteLine($"  demo:      user_behaviour queued for {from:yyyy-MM-dd} to {to:yyyy-MM-dd}, from the orders dataset");
    }

    private static async Task<IngestResult> IngestAsync(IngestPipeline pipeline, DatasetSchema schema, CanonicalRecord[] batch, CancellationToken ct)
    {
        // The records travel as the JSON a client would post, so they are normalized like any other input.
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var record in batch)
            {
                CanonicalJson.Write(writer, record);
            }
            writer.WriteEndArray();
        }
        return await pipeline.IngestAsync(schema, IngestBodyParser.Parse(buffer.ToArray(), BodyFormat.Json), "demo", ct);
    }
}
