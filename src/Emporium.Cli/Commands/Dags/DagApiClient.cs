using System.Net.Http.Json;
using System.Text.Json;
using Emporium.Cli.Commands.Client;
using Emporium.Orchestration;

namespace Emporium.Cli.Commands.Dags;

/// <summary>The DAG endpoints as seen from the CLI when a server owns the data dir.</summary>
public sealed class DagApiClient(EmporiumClient client)
{
    public Task<JsonElement> ListAsync(CancellationToken ct) => GetAsync("api/v1/dags", ct);

    public Task<JsonElement> RunsAsync(string dag, int limit, int offset, CancellationToken ct) =>
        GetAsync($"api/v1/dags/{Esc(dag)}/runs?limit={limit}&offset={offset}", ct);

    public Task<JsonElement> RunAsync(string dag, string date, CancellationToken ct) => GetAsync($"api/v1/dags/{Esc(dag)}/runs/{Esc(date)}", ct);

    public Task<JsonElement> LogsAsync(string dag, string date, string task, int? attempt, CancellationToken ct) =>
        GetAsync($"api/v1/dags/{Esc(dag)}/runs/{Esc(date)}/tasks/{Esc(task)}/logs?tail={Web.DagEndpoints.MaxLogTail}{(attempt is { } n ? $"&try={n}" : "")}", ct);

    public Task<JsonElement> TriggerAsync(string dag, string? date, IReadOnlyDictionary<string, string?> runParams, CancellationToken ct) =>
        PostAsync($"api/v1/dags/{Esc(dag)}/runs", new { date, @params = runParams }, ct);

    public Task<JsonElement> BackfillAsync(string dag, string from, string to, IReadOnlyDictionary<string, string?> runParams, BackfillReprocess reprocess, CancellationToken ct) =>
        PostAsync($"api/v1/dags/{Esc(dag)}/backfill", new { from, to, @params = runParams, reprocess = BackfillReprocessNames.Name(reprocess) }, ct);

    public Task<JsonElement> ClearAsync(string dag, string date, string? task, CancellationToken ct) =>
        PostAsync($"api/v1/dags/{Esc(dag)}/runs/{Esc(date)}/clear", new { task }, ct);

    public Task<JsonElement> CancelAsync(string dag, string date, CancellationToken ct) =>
        PostAsync($"api/v1/dags/{Esc(dag)}/runs/{Esc(date)}/cancel", new { }, ct);

    public Task<JsonElement> CancelActiveAsync(string dag, CancellationToken ct) =>
        PostAsync($"api/v1/dags/{Esc(dag)}/cancel", new { }, ct);

    public async Task<JsonElement> SetPausedAsync(string dag, bool paused, CancellationToken ct)
    {
        using var response = await client.Http.PatchAsJsonAsync($"api/v1/dags/{Esc(dag)}", new { paused }, ct);
        return await ReadAsync(response, ct);
    }

    /// <summary>Polls the run until it ends, printing task changes; returns its final state.</summary>
    public async Task<string> WaitAsync(string dag, string date, TextWriter output, CancellationToken ct)
    {
        var printed = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var run = await RunAsync(dag, date, ct);
            foreach (var task in run.GetProperty("tasks").EnumerateArray())
            {
                var name = task.GetProperty("task").GetString()!;
                var tries = task.GetProperty("tries").GetInt32();
                var state = task.GetProperty("state").GetString()! + (tries > 1 ? $" (try {tries})" : "");
                if (state != "none" && printed.GetValueOrDefault(name) != state)
                {
                    printed[name] = state;
                    var error = task.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String && !state.StartsWith("success", StringComparison.Ordinal) ? $": {e.GetString()}" : "";
                    output.WriteLine($"{date}  {name,-28} {state}{error}");
                }
            }
            var runState = run.GetProperty("state").GetString()!;
            if (runState is "success" or "failed")
            {
                output.WriteLine($"{date}  run {runState}");
                return runState;
            }
            // The server runs the DAG; the CLI only watches, so a coarse poll is enough.
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private async Task<JsonElement> GetAsync(string path, CancellationToken ct)
    {
        using var response = await client.Http.GetAsync(path, ct);
        return await ReadAsync(response, ct);
    }

    private async Task<JsonElement> PostAsync(string path, object body, CancellationToken ct)
    {
        using var response = await client.Http.PostAsJsonAsync(path, body, ct);
        return await ReadAsync(response, ct);
    }

    private static Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken ct) => EmporiumClient.ReadJsonAsync(response, ct);

    private static string Esc(string value) => Uri.EscapeDataString(value);
}
