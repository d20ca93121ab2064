using System.Globalization;
using Emporium.Alerts;
using Emporium.Batch.Loading;
using Emporium.Configuration;
using Emporium.Lake;
using Emporium.Marts;
using Emporium.Sources;
using Emporium.Sources.SellerCatalog;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration.Dags;

/// <summary>Seed 002: a seller's catalog from the paged search API → raw JSON pages → clean Parquet → sensor on the
/// clean file (every 5 s, 60 s timeout) → the day's <c>seller_offers</c> snapshot → ASIN matches against the
/// distributors' <c>supplier_products</c> → marts → alerts. Parameters (also <c>EMPORIUM__DAGS__SELLER_CATALOG__…</c>):
/// <c>seller_id</c> (required), <c>api_url</c>, <c>api_key</c>, <c>api_key_header</c>, <c>query</c>, <c>country</c>,
/// <c>product_condition</c>, <c>max_pages</c>, <c>requests_per_second</c>, <c>max_retry_after</c>, <c>supplier_file</c> (CSV/XLSX/JSON of
/// asin, distributor, cost, stock), <c>price_change_pct</c>, <c>demand_jump_factor</c>, <c>webhooks</c> (comma-separated), <c>webhook_retries</c>, <c>webhook_retry_delay</c>.</summary>
public sealed class SellerCatalogDag : IDagDefinition
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public Dag Build() => AlertsTask.Params(Dag.Create("seller_catalog")
        .Describe("Seller catalog API → raw → clean → seller_offers snapshot → ASIN matches → marts → alerts (seed 002)")
        .Schedule("@daily")
        .StartDate(new DateOnly(2024, 1, 1))
        .MaxActiveRuns(1)
        .Param("api_url", new SellerCatalogOptions().BaseUrl.ToString())
        .Param("api_key", null)
        .Param("api_key_header", new SellerCatalogOptions().ApiKeyHeader)
        .Param("seller_id", null)
        .Param("query", " ")
        .Param("country", "US")
        .Param("product_condition", "NEW")
        .Param("max_pages", new SellerCatalogOptions().MaxPages, SettingRangeAttribute.Of<SellerCatalogOptions>(nameof(SellerCatalogOptions.MaxPages)))
        .Param("requests_per_second", new SellerCatalogOptions().RequestsPerSecond, SettingRangeAttribute.Of<SellerCatalogOptions>(nameof(SellerCatalogOptions.RequestsPerSecond)))
        .Param("max_retry_after", new SellerCatalogOptions().MaxRetryAfter, SettingRangeAttribute.Of<SellerCatalogOptions>(nameof(SellerCatalogOptions.MaxRetryAfter)))
        .Param("supplier_file", null))
        .Task("extract", Extract, t => t.Retries(2, TimeSpan.FromMinutes(1)).ExponentialBackoff())
        .Task("clean", Clean, t => t.DependsOn("extract"))
        .Sensor("wait_clean_file", async ctx => await DagServices.Lake(ctx).ExistsAsync(SellerCatalogPaths.Clean(Seller(ctx), ctx.Ds), ctx.CancellationToken),
            poke: TimeSpan.FromSeconds(5), timeout: TimeSpan.FromSeconds(60), t => t.DependsOn("clean"))
        .Task("snapshot", Snapshot, t => t.DependsOn("wait_clean_file"))
        .Task("load_suppliers", LoadSuppliers)
        .Task("asin_matches", AsinMatches, t => t.DependsOn("snapshot", "load_suppliers"))
        .Task("marts", Marts, t => t.DependsOn("asin_matches"))
        .Task("alerts", RaiseAlerts, t => t.DependsOn("snapshot"));

    /// <summary>The client's settings from the parameters. A value the client cannot use is a setting no retry mends,
    /// so it fails the task at once naming the parameter.</summary>
    internal static SellerCatalogOptions ClientOptions(TaskContext ctx)
    {
        var url = ctx.Param("api_url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid(ctx, $"parameter 'api_url': '{SecretMask.Text(url)}' is not an http:// or https:// URL");
        }
        // max_pages, requests_per_second and max_retry_after declare their ranges, checked when the run was triggered.
        var maxPages = ctx.Param("max_pages", 50);
        var rate = ctx.Param("requests_per_second", 5d);
        if (double.IsInfinity(rate))
        {
            throw Invalid(ctx, "parameter 'requests_per_second' must be a finite number (0 for no pacing)");
        }
        var maxRetryAfter = ctx.Param("max_retry_after", new SellerCatalogOptions().MaxRetryAfter);
        return new()
        {
            BaseUrl = baseUrl,
            ApiKey = ctx.Param<string?>("api_key", null),
            ApiKeyHeader = ctx.Param("api_key_header", "X-RapidAPI-Key"),
            SellerId = Seller(ctx),
            Query = ctx.Params.TryGetValue("query", out var q) && q is not null ? q : " ",
            Country = ctx.Param("country", "US"),
            ProductCondition = ctx.Param("product_condition", "NEW"),
            MaxPages = maxPages,
            RequestsPerSecond = rate,
            MaxRetryAfter = maxRetryAfter,
        };
    }

    private static DagParameterException Invalid(TaskContext ctx, string reason) =>
        new($"DAG '{ctx.DagName}' task '{ctx.TaskName}': {reason}");

    private static string Seller(TaskContext ctx) => ctx.Param("seller_id");

    private static async Task Extract(TaskContext ctx)
    {
        var client = new SellerCatalogClient(Http, ClientOptions(ctx), DagServices.Time(ctx), ctx.Log);
        var pages = await new SellerCatalogJob(DagServices.Lake(ctx)).ExtractAsync(client, Seller(ctx), ctx.Ds, ctx.CancellationToken);
        ctx.Log.LogInformation("extracted {Pages} page(s) to {Folder}", pages.Count, SellerCatalogPaths.RawFolder(ctx.Ds));
        ctx.Push("pages", pages.Count);
    }

    private static async Task Clean(TaskContext ctx)
    {
        var outcome = await new SellerCatalogJob(DagServices.Lake(ctx)).CleanAsync(Seller(ctx), ctx.Ds, ctx.CancellationToken);
        foreach (var warning in outcome.Warnings)
        {
            ctx.Log.LogWarning("{Warning}", warning);
        }
        ctx.Log.LogInformation("cleaned {Rows} offer(s) from {Pages} page(s) into {Path}", outcome.Rows, outcome.Pages, outcome.Path);
        ctx.Push("clean_path", outcome.Path);
        ctx.Push("rows", outcome.Rows);
    }

    private static async Task Snapshot(TaskContext ctx)
    {
        var rows = await new SellerCatalogJob(DagServices.Lake(ctx)).SnapshotAsync(DagServices.Warehouse(ctx), Seller(ctx), ctx.Ds, ctx.CancellationToken);
        ctx.Log.LogInformation("seller_offers for {Seller} on {Ds}: {Rows} row(s)", Seller(ctx), ctx.DsString, rows);
    }

    private static async Task LoadSuppliers(TaskContext ctx)
    {
        var warehouse = DagServices.Warehouse(ctx);
        await warehouse.InitializeAsync(SeedDatasets.All, ctx.CancellationToken);
        var file = ctx.Param<string?>("supplier_file", null);
        if (string.IsNullOrWhiteSpace(file))
        {
            ctx.Log.LogWarning("no supplier_file configured: matching against the supplier_products already loaded");
            return;
        }
        using var parquet = new ParquetWriter();
        // The shared batch loader: a file already loaded (same content) is skipped, an edited one is loaded as new.
        var result = await DagServices.Loader(ctx, parquet).LoadFileAsync(
            DagServices.ResolvePath(ctx, file), new BatchLoadRequest(SeedDatasets.SupplierProducts), null, ctx.CancellationToken);
        if (result.Status == FileLoadStatus.Failed)
        {
            throw new InvalidOperationException($"supplier file {file}: {result.Error}");
        }
        ctx.Log.LogInformation("supplier file {File}: {Status}, {Loaded} row(s) loaded, {Rejected} rejected", file, result.Status, result.RowsLoaded, result.RowsRejected);
    }

    private static async Task AsinMatches(TaskContext ctx)
    {
        var warehouse = DagServices.Warehouse(ctx);
        await warehouse.InitializeAsync(SeedDatasets.All, ctx.CancellationToken);
        var result = await warehouse.QueryAsync(
            $"SELECT COUNT(*) FROM asin_matches WHERE seller_id = {Warehouse.SqlLiteral.Text(Seller(ctx))}", ctx.CancellationToken);
        var matches = Convert.ToInt64(result.Rows[0][0], CultureInfo.InvariantCulture);
        ctx.Log.LogInformation("{Matches} ASIN match(es) for seller {Seller}", matches, Seller(ctx));
        ctx.Push("matches", matches);
    }

    private static async Task Marts(TaskContext ctx)
    {
        // Marts are views: refreshing means (re)creating them over the new snapshot and checking each answers.
        var warehouse = DagServices.Warehouse(ctx);
        await warehouse.InitializeAsync(SeedDatasets.All, ctx.CancellationToken);
        foreach (var mart in SellerMarts.All)
        {
            var rows = await warehouse.QueryAsync($"SELECT COUNT(*) FROM {mart.Name}", ctx.CancellationToken);
            ctx.Log.LogInformation("mart {Mart}: {Rows} row(s)", mart.Name, rows.Rows[0][0]);
        }
    }

    private static Task RaiseAlerts(TaskContext ctx) =>
        AlertsTask.RaiseAsync(ctx, (warehouse, options, now, ct) => SellerOfferAlerts.DetectAsync(warehouse, Seller(ctx), ctx.Ds, options, now, ct));
}
