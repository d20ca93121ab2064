using System.Text.Json;
using Emporium.Cli.Web;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Demo;
using Emporium.Ingest;
using Emporium.Orchestration;
using Emporium.Warehouse;
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
        if (await HoldsRecordsAsync(log, host.Backends.Warehouse, ct))
        {
            output.WriteLine("  demo:      the data dir already holds records; no demo data added");
            return;
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
        foreach (var (dataset, rows) in plan)
        {
            var schema = DatasetCatalog.Find(dataset)!;
            var accepted = 0L;
            foreach (var batch in DemoGenerators.Records(dataset, rows, options).Chunk(BatchSize))
            {
                accepted += (await IngestAsync(pipeline, schema, batch, ct)).Accepted;
            }
            summary.Add($"{accepted:N0} {dataset}");
        }
        output.WriteLine($"  demo:      sent {string.Join(", ", summary)} through ingest");
        await QueueDagsAsync(host, output, ct);
    }

    /// <summary>Whether any dataset has records in the log or rows in the warehouse. Files loaded with <c>emporium
    /// load</c> go straight to the warehouse, never through the log, so the log alone said such a data dir was empty,
    /// and the demo's rows (whose product and category keys are those of <c>emporium generate</c>) replaced the loaded
    /// ones.</summary>
    private static async Task<bool> HoldsRecordsAsync(Emporium.Log.IEventLog log, IWarehouse? warehouse, CancellationToken ct)
    {
        foreach (var dataset in DatasetCatalog.All)
        {
            var ends = await log.GetEndOffsetsAsync(dataset.Name, ct);
            if (ends.Values.Any(offset => offset > 0))
            {
                return true;
            }
        }
        if (warehouse is null)
        {
            return false;
        }
        var any = string.Join(" UNION ALL ", DatasetCatalog.All.Select(d => $"SELECT 1 FROM (SELECT 1 FROM \"{d.Name}\" LIMIT 1) AS t"));
        return (await warehouse.QueryAsync(any, ct)).Rows.Count > 0;
    }

    /// <summary>Days of user behaviour the demo computes: the last week of its orders.</summary>
    public const int UserBehaviourDays = 7;

    /// <summary>The demo seller's name in the <c>seller_catalog</c> runs.</summary>
    public const string Seller = "DEMO-SELLER";

    /// <summary>Once the processor has committed the demo records, queues the DAGs that fill the Customers and Sellers
    /// pages: <c>user_behaviour</c> for the last week of demo orders (read from the orders dataset: the demo has no
    /// PostgreSQL), and <c>seller_catalog</c> for yesterday and today (two snapshots, so alerts fire) from the demo
    /// seller API this server answers in demo mode, matched against a generated supplier file.</summary>
    private static async Task QueueDagsAsync(EmporiumHost host, TextWriter output, CancellationToken ct)
    {
        var engine = host.App.Services.GetService<DagEngine>();
        var lag = host.App.Services.GetService<LagMonitor>();
        var warehouse = host.Backends.Warehouse;
        var options = host.App.Services.GetRequiredService<EmporiumOptions>();
        if (engine is null || lag is null || warehouse is null)
        {
            return;
        }
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(ct);
        patience.CancelAfter(TimeSpan.FromMinutes(2));
        // Readings from after the last demo record was sent: one a dashboard's request cached a moment before could
        // say "no lag" while the last orders still waited, and the DAGs would run over part of them.
        var sent = host.App.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        try
        {
            while ((await lag.GetAsync(sent, patience.Token)).TotalLag is not 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), patience.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            output.WriteLine("  demo:      the processor had not committed the demo records after 2 minutes; no DAG runs queued");
            return;
        }
        DateOnly? last = (await warehouse.QueryAsync("SELECT max(CAST(invoice_date AS DATE)) FROM orders", ct)).Rows[0][0] switch
        {
            DateOnly d => d,
            DateTime t => DateOnly.FromDateTime(t),
            _ => null,
        };
        var demoDir = Directory.CreateDirectory(Path.Combine(BackendAddresses.FullDataDir(options), "demo")).FullName;
        if (last is { } to)
        {
            var from = to.AddDays(1 - UserBehaviourDays);
            var training = Path.Combine(demoDir, "training_reviews.json");
            await WriteTrainingReviewsAsync(training, ct);
            engine.Backfill("user_behaviour", from, to, new Dictionary<string, string?> { ["purchases_from"] = "orders", ["training_reviews"] = training });
            output.WriteLine($"  demo:      user_behaviour queued for {from:yyyy-MM-dd} to {to:yyyy-MM-dd}, from the orders dataset, its classifier trained on rated demo movie reviews");
        }
        if (options.Demo)
        {
            var suppliers = Path.Combine(demoDir, "distributors.csv");
            await File.WriteAllTextAsync(suppliers, DemoSellerCatalog.SupplierCsv(await DemoEndpoints.ProductsAsync(warehouse, ct)), ct);
            var today = DateOnly.FromDateTime(host.App.Services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
            foreach (var day in new[] { today.AddDays(-1), today })
            {
                engine.Trigger("seller_catalog", day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), new Dictionary<string, string?>
                {
                    ["seller_id"] = Seller,
                    ["api_url"] = $"{host.Url.TrimEnd('/')}/demo/seller-api/{day:yyyy-MM-dd}",
                    ["supplier_file"] = suppliers,
                    ["requests_per_second"] = "50",
                });
            }
            output.WriteLine($"  demo:      seller_catalog queued for {today.AddDays(-1):yyyy-MM-dd} and {today:yyyy-MM-dd}, from the demo seller API");
        }
    }

    /// <summary>Rated movie reviews, composed like the ones the DAG generates and classifies, as the classifier's
    /// training file (McAuley's JSON lines). The demo's product reviews share no wording with movie reviews: trained on
    /// them, the model met only words it had not learned and labelled the movie reviews by its prior, mostly positive.</summary>
    private static async Task WriteTrainingReviewsAsync(string path, CancellationToken ct)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        MovieReviewGenerator.WriteRated(text, TrainingReviews);
        await File.WriteAllTextAsync(path, text.ToString(), ct);
    }

    /// <summary>Rated movie reviews the demo's classifier trains on.</summary>
    private const int TrainingReviews = 2000;

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
