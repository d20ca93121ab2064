using System.Net.Http.Json;
using System.Text.Json;
using Emporium.Batch.Catalog;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Warehouse;

namespace Emporium.Cli.Commands.Batch;

/// <summary>Catalog and crawl for the CLI: through the owning server's API, or directly while holding the data dir.
/// Errors are printed here; null means the command failed.</summary>
public static class CatalogCommandRunner
{
    public static Task<IReadOnlyList<CatalogTable>?> ListAsync(string? dataFlag, string? url, string? apiKey, CancellationToken ct) =>
        RunAsync("catalog", dataFlag, url, apiKey,
            async client =>
            {
                // Every file: --format json lists them all, and the detailed print counts them.
                using var response = await client.Http.GetAsync($"api/v1/catalog?files={Web.CatalogEndpoints.AllFiles}", ct);
                var text = await Read(response, ct);
                using var doc = JsonDocument.Parse(text);
                return (IReadOnlyList<CatalogTable>)(doc.RootElement.GetProperty("tables").Deserialize<List<CatalogTable>>(BatchJson.Options) ?? []);
            },
            (warehouse, lake) => new CatalogReport(warehouse, lake).ListAsync(ct),
            existing: true, ct);

    public static Task<IReadOnlyList<CatalogTable>?> CrawlAsync(string path, string? name, string? dataFlag, string? url, string? apiKey, CancellationToken ct) =>
        RunAsync<IReadOnlyList<CatalogTable>?>("crawl", dataFlag, url, apiKey,
            async client =>
            {
                using var response = await client.Http.PostAsJsonAsync($"api/v1/crawl?files={Web.CatalogEndpoints.AllFiles}", new { path, name }, BatchJson.Options, ct);
                using var doc = JsonDocument.Parse(await Read(response, ct));
                return doc.RootElement.GetProperty("tables").Deserialize<List<CatalogTable>>(BatchJson.Options) ?? [];
            },
            async (warehouse, _) => await new Crawler(warehouse, TimeProvider.System).CrawlAsync(path, name, ct),
            existing: false, ct);

    /// <summary>Drops a crawled table; returns its name, or null (error printed) when it could not be dropped.</summary>
    public static Task<string?> DropAsync(string name, string? dataFlag, string? url, string? apiKey, CancellationToken ct) =>
        RunAsync<string?>("catalog drop", dataFlag, url, apiKey,
            async client =>
            {
                using var response = await client.Http.DeleteAsync($"api/v1/catalog/{Uri.EscapeDataString(name)}", ct);
                using var doc = JsonDocument.Parse(await Read(response, ct));
                return doc.RootElement.GetProperty("dropped").GetString();
            },
            async (warehouse, _) =>
            {
                var store = new CatalogStore(warehouse);
                return await store.DropAsync(name, ct) ?? throw new CrawlException(await store.UnknownTableMessageAsync(name, ct));
            },
            existing: true, ct);

    private static async Task<T?> RunAsync<T>(string verb, string? dataFlag, string? url, string? apiKey,
        Func<EmporiumClient, Task<T>> remote, Func<IWarehouse, ILakeStore?, Task<T>> local, bool existing, CancellationToken ct)
    {
        try
        {
            if (ServerLocator.Find(url, dataFlag) is { } server)
            {
                using var client = new EmporiumClient(server, ServerLocator.ApiKey(apiKey), TimeSpan.FromHours(1));
                return await remote(client);
            }
            await using var localDir = await LocalDataDir.OpenAsync($"emporium {verb}", dataFlag, [], existing, ct);
            return await local(localDir.Warehouse, localDir.Lake);
        }
        catch (Exception e) when (e is CrawlException or ApiException or StartupException or BackendUnavailableException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"emporium {verb}: {e.Message}");
            return default;
        }
    }

    private static async Task<string> Read(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var detail = EmporiumClient.Describe(text, response);
            throw new HttpRequestException($"server answered {(int)response.StatusCode}: {detail}");
        }
        return text;
    }
}
