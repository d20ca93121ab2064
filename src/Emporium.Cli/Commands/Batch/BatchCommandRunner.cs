using System.Net.Http.Json;
using System.Text.Json;
using Emporium.Batch.Loading;
using Emporium.Cli.Commands.Client;
using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Warehouse;
using Spectre.Console;

namespace Emporium.Cli.Commands.Batch;

/// <summary>Runs a load for the CLI: through the owning server's API, or directly on the data dir while holding its
/// lock; shows progress and the summary, and turns the outcome into an exit code.</summary>
public static class BatchCommandRunner
{
    public static async Task<int> LoadAsync(LoadSpec spec, string? dataFlag, string? url, string? apiKey, CancellationToken ct)
    {
        LoadSummary summary;
        try
        {
            if (ServerLocator.Find(url, dataFlag) is { } server)
            {
                Console.Error.WriteLine($"loading through the server at {server}");
                summary = await ThroughServerAsync(server, ServerLocator.ApiKey(apiKey), spec, ct);
            }
            else
            {
                summary = await DirectAsync(spec, dataFlag, ct);
            }
        }
        catch (LoadSpecException e)
        {
            await Console.Error.WriteLineAsync($"emporium load: {e.Message}");
            return 2;
        }
        catch (Exception e) when (e is ApiException or StartupException or BackendUnavailableException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"emporium load: {e.Message}");
            return 2;
        }
        LoadSummaryOutput.Write(summary);
        foreach (var file in summary.Files.Where(f => f.Status is FileLoadStatus.Failed or FileLoadStatus.Rejected))
        {
            await Console.Error.WriteLineAsync($"emporium load: {file.Path}: {file.Error}");
        }
        return summary.HasErrors ? 1 : 0;
    }

    private static async Task<LoadSummary> ThroughServerAsync(string server, string? apiKey, LoadSpec spec, CancellationToken ct)
    {
        using var client = new EmporiumClient(server, apiKey, TimeSpan.FromHours(2));
        using var response = await client.Http.PostAsJsonAsync("api/v1/load", spec, BatchJson.Options, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            var detail = EmporiumClient.Describe(text, response);
            throw (int)response.StatusCode is 400 or 404 ? new LoadSpecException(detail) : new HttpRequestException($"server answered {(int)response.StatusCode}: {detail}");
        }
        return JsonSerializer.Deserialize<LoadSummary>(text, BatchJson.Options) ?? throw new HttpRequestException("empty answer from the server");
    }

    private static async Task<LoadSummary> DirectAsync(LoadSpec spec, string? dataFlag, CancellationToken ct)
    {
        var resolved = spec.Resolve();
        await using var local = await LocalDataDir.OpenAsync("emporium load", dataFlag, [resolved.Request.Dataset], existing: false, ct);
        ScratchFolder.ClearLeftovers(BatchScratch.Folder(local.DataDir));
        using var parquet = new ParquetWriter(BatchScratch.Folder(local.DataDir));
        var loader = new BatchLoader(local.Warehouse, local.Lake, parquet, RecordNormalizer.Instance, TimeProvider.System, local.Options.Batch);
        return await LoadSummaryOutput.WithProgressAsync(resolved, loader, ct);
    }
}
