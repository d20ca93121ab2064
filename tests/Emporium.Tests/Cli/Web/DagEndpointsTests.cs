using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text.Json;
using Emporium.Cli.Web;
using Emporium.Cli.Web.Auth;
using Emporium.Configuration;
using Emporium.Orchestration;
using Emporium.Tests.Orchestration;

namespace Emporium.Tests.Cli.Web;

public class DagEndpointsTests
{
    private static readonly RunKey Day = new(ProbeDag.Name, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));

    private static DagEngine Engine(TestHost host) => host.Host.App.Services.GetRequiredService<DagEngine>();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task Lists_triggers_shows_runs_and_serves_logs()
    {
        await using var host = await TestHost.StartAsync();
        var dags = await JsonAsync(await host.Client.GetAsync("/api/v1/dags"));
        var probe = dags.GetProperty("dags").EnumerateArray().Single(d => d.GetProperty("name").GetString() == ProbeDag.Name);
        Assert.Equal(["extract", "load"], probe.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        using var created = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs", TestHost.Json("{\"date\":\"2024-01-01\",\"params\":{\"rows\":\"7\"}}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Engine(host).WaitForRunAsync(Day, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        // The list shows each DAG's latest run, last start and counts by state (from the store's tally, not its runs).
        var listed = (await JsonAsync(await host.Client.GetAsync("/api/v1/dags"))).GetProperty("dags").EnumerateArray().Single(d => d.GetProperty("name").GetString() == ProbeDag.Name);
        Assert.Equal("2024-01-01", listed.GetProperty("lastRun").GetProperty("ds").GetString());
        Assert.Equal("success", listed.GetProperty("lastRun").GetProperty("state").GetString());
        Assert.Equal(Engine(host).Store.GetRun(Day)!.StartedAt, listed.GetProperty("lastStartedAt").GetDateTime());
        Assert.Equal(1, listed.GetProperty("runCounts").GetProperty("total").GetInt32());
        Assert.Equal(1, listed.GetProperty("runCounts").GetProperty("success").GetInt32());
        Assert.Equal(0, listed.GetProperty("runCounts").GetProperty("failed").GetInt32());

        var runs = await JsonAsync(await host.Client.GetAsync($"/api/v1/dags/{ProbeDag.Name}/runs?limit=5"));
        var run = Assert.Single(runs.GetProperty("runs").EnumerateArray());
        Assert.Equal("2024-01-01", run.GetProperty("ds").GetString());
        Assert.Equal("success", run.GetProperty("state").GetString());
        Assert.All(run.GetProperty("tasks").EnumerateArray(), t => Assert.Equal("success", t.GetProperty("state").GetString()));

        var logs = await JsonAsync(await host.Client.GetAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/tasks/load/logs"));
        Assert.Contains(logs.GetProperty("lines").EnumerateArray(), l => l.GetString()!.Contains("loaded 7 rows for 2024-01-01"));

        using var notAName = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/clear", TestHost.Json("{\"task\":5}"));
        Assert.Equal(HttpStatusCode.BadRequest, notAName.StatusCode);
        Assert.Contains("'task' must be a task's name (a string), got 5", await notAName.Content.ReadAsStringAsync());
        using var unknownTask = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/clear", TestHost.Json("{\"task\":\"lode\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, unknownTask.StatusCode);
        Assert.Contains($"DAG '{ProbeDag.Name}' has no task 'lode' (its tasks: extract, load)", await unknownTask.Content.ReadAsStringAsync());
        Assert.Equal(1, Engine(host).Store.GetRun(Day)!.Attempt);

        using var cleared = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/clear", TestHost.Json("{\"task\":\"load\"}"));
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        await Engine(host).WaitForRunAsync(Day, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(2, Engine(host).Store.GetTask(Day, "load")!.TryNumber);
        Assert.Equal(1, Engine(host).Store.GetTask(Day, "extract")!.TryNumber);

        using var noSuchTry = await host.Client.GetAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/tasks/load/logs?try=3");
        Assert.Equal(HttpStatusCode.NotFound, noSuchTry.StatusCode);
        Assert.Contains($"task 'load' of {Day} has no try 3 (its tries: 1, 2)", await noSuchTry.Content.ReadAsStringAsync());
        var second = await JsonAsync(await host.Client.GetAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/tasks/load/logs?try=2"));
        Assert.Equal("--- load try 2 ---", second.GetProperty("lines")[0].GetString());
        Assert.DoesNotContain(second.GetProperty("lines").EnumerateArray(), l => l.GetString() == "--- load try 1 ---");

        // A log of any size is answered a tail at a time: its last lines, how many it has, and whether some were left out.
        var whole = await JsonAsync(await host.Client.GetAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/tasks/load/logs"));
        var all = whole.GetProperty("lines").EnumerateArray().Select(l => l.GetString()).ToList();
        Assert.True(all.Count > 2);
        Assert.Equal(all.Count, whole.GetProperty("totalLines").GetInt32());
        Assert.False(whole.GetProperty("truncated").GetBoolean());
        var tail = await JsonAsync(await host.Client.GetAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/tasks/load/logs?tail=2"));
        Assert.Equal(all[^2..], tail.GetProperty("lines").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(all.Count, tail.GetProperty("totalLines").GetInt32());
        Assert.True(tail.GetProperty("truncated").GetBoolean());
        foreach (var bad in new[] { "0", "-3", "1000001", "many" })
        {
            using var refused = await host.Client.GetAsync($"/api/v1/dags/{ProbeDag.Name}/runs/2024-01-01/tasks/load/logs?tail={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal("tail", (await JsonAsync(refused)).GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }

    [Fact]
    public async Task A_new_dag_is_listed_paused_and_patch_unpauses_it()
    {
        await using var host = await TestHost.StartAsync();
        async Task<JsonElement> Dag() => await JsonAsync(await host.Client.GetAsync("/api/v1/dags/reviews_batch"));
        Assert.True((await Dag()).GetProperty("paused").GetBoolean());
        Assert.DoesNotContain(Engine(host).Store.Runs("reviews_batch"), r => r.RunType == RunTypes.Scheduled);

        using var unpaused = await host.Client.PatchAsync("/api/v1/dags/reviews_batch", TestHost.Json("{\"paused\":false}"));
        Assert.Equal(HttpStatusCode.OK, unpaused.StatusCode);
        Assert.False((await JsonAsync(unpaused)).GetProperty("paused").GetBoolean());
        Assert.False((await Dag()).GetProperty("paused").GetBoolean());
        // Unpaused, the @daily DAG gets the run of the latest ended day (yesterday), as the scheduler now sees it.
        await Engine(host).WaitUntilAsync(() => Engine(host).Store.Runs("reviews_batch").Any(r => r.RunType == RunTypes.Scheduled),
            new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        using var bad = await host.Client.PatchAsync("/api/v1/dags/reviews_batch", TestHost.Json("{\"paused\":\"yes\"}"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("\"field\":\"paused\"", await bad.Content.ReadAsStringAsync());
        using var unknown = await host.Client.PatchAsync("/api/v1/dags/no_such_dag", TestHost.Json("{\"paused\":true}"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Bad_requests_name_the_field()
    {
        await using var host = await TestHost.StartAsync();
        async Task<(HttpStatusCode, string)> Post(string path, string body)
        {
            using var response = await host.Client.PostAsync(path, TestHost.Json(body));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var (status, text) = await Post($"/api/v1/dags/{ProbeDag.Name}/runs", "{\"date\":\"01/02/2024\"}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"field\":\"date\"", text);
        (status, text) = await Post($"/api/v1/dags/{ProbeDag.Name}/runs", "{\"date\":\"2999-01-01\"}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"field\":\"date\"", text);
        Assert.Contains("2999-01-01", text);
        Assert.Contains("now is", text);
        (status, text) = await Post($"/api/v1/dags/{ProbeDag.Name}/runs", "{\"params\":[1]}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"field\":\"params\"", text);
        (status, text) = await Post("/api/v1/dags/no_such_dag/runs", "{}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains(ProbeDag.Name, text);
        (status, _) = await Post($"/api/v1/dags/{ProbeDag.Name}/runs/2030-01-01/clear", "{}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, text) = await Post($"/api/v1/dags/{ProbeDag.Name}/backfill", "{\"from\":\"2024-01-05\",\"to\":\"2024-01-01\"}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"field\":\"to\"", text);
        (status, text) = await Post($"/api/v1/dags/{ProbeDag.Name}/backfill", "{\"from\":\"2024-01-01\",\"to\":\"2099-01-01\"}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"field\":\"to\"", text);
        Assert.Contains("whose interval has not ended", text);
        (status, text) = await Post($"/api/v1/dags/{ProbeDag.Name}/backfill", "{\"from\":\"2024-01-01\",\"to\":\"2024-01-02\",\"reprocess\":\"1\"}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("\"field\":\"reprocess\"", text);
        Assert.Contains("missing, failed or all", text);
        // A misspelt parameter ("row" for "rows") would be stored and ignored, the run using the default.
        foreach (var path in new[] { $"/api/v1/dags/{ProbeDag.Name}/runs", $"/api/v1/dags/{ProbeDag.Name}/backfill" })
        {
            (status, text) = await Post(path, "{\"date\":\"2024-01-01\",\"from\":\"2024-01-01\",\"to\":\"2024-01-02\",\"params\":{\"rows\":2,\"row\":5}}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("\"field\":\"params.row\"", text);
            Assert.Contains("it takes: dir, rows", text);
        }
        Assert.Empty(Engine(host).Store.Runs(ProbeDag.Name));
        // A parameter out of its range (alert DAGs declare theirs) is refused by name, with what it takes.
        foreach (var path in new[] { "/api/v1/dags/products_snapshot/runs", "/api/v1/dags/products_snapshot/backfill" })
        {
            (status, text) = await Post(path, "{\"date\":\"2024-01-01\",\"from\":\"2024-01-01\",\"to\":\"2024-01-02\",\"params\":{\"webhook_retries\":-1}}");
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("\"field\":\"params.webhook_retries\"", text);
            Assert.Contains("expected a whole number of at least 0", text);
        }
        Assert.Empty(Engine(host).Store.Runs("products_snapshot"));
    }

    [Fact]
    public async Task Backfill_reports_each_day_it_left_with_the_reason_and_reruns_all_when_asked()
    {
        await using var host = await TestHost.StartAsync();
        using var created = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/runs", TestHost.Json("{\"date\":\"2024-01-01\"}"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Engine(host).WaitForRunAsync(Day, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        using var backfill = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/backfill", TestHost.Json("{\"from\":\"2024-01-01\",\"to\":\"2024-01-02\"}"));
        Assert.Equal(HttpStatusCode.Accepted, backfill.StatusCode);
        var body = await JsonAsync(backfill);
        Assert.Equal(["2024-01-02"], body.GetProperty("created").EnumerateArray().Select(r => r.GetProperty("ds").GetString()));
        var skipped = Assert.Single(body.GetProperty("skipped").EnumerateArray());
        Assert.Equal("2024-01-01", skipped.GetProperty("ds").GetString());
        Assert.Equal("success", skipped.GetProperty("state").GetString());
        Assert.Equal("this day's run succeeded (reprocess all runs it again)", skipped.GetProperty("reason").GetString());
        await Engine(host).WaitForRunAsync(Day with { LogicalDate = Day.LogicalDate.AddDays(1) }, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(1, Engine(host).Store.GetRun(Day)!.Attempt);

        using var all = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/backfill", TestHost.Json("{\"from\":\"2024-01-01\",\"to\":\"2024-01-02\",\"reprocess\":\"all\"}"));
        body = await JsonAsync(all);
        Assert.Equal(["2024-01-01", "2024-01-02"], body.GetProperty("created").EnumerateArray().Select(r => r.GetProperty("ds").GetString()));
        Assert.Empty(body.GetProperty("skipped").EnumerateArray());
        await Engine(host).WaitForRunAsync(Day, new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        Assert.Equal(2, Engine(host).Store.GetRun(Day)!.Attempt);
    }

    /// <summary>Runs are answered a page at a time, newest first, as dead letters and alerts are: a DAG that ran every
    /// day for years would otherwise be one answer of every run with its tasks.</summary>
    [Fact]
    public async Task Runs_are_paged_by_limit_and_offset_and_a_limit_past_the_bound_is_refused()
    {
        await using var host = await TestHost.StartAsync();
        using var backfill = await host.Client.PostAsync($"/api/v1/dags/{ProbeDag.Name}/backfill", TestHost.Json("{\"from\":\"2024-01-01\",\"to\":\"2024-01-04\"}"));
        Assert.Equal(HttpStatusCode.Accepted, backfill.StatusCode);

        async Task<List<string?>> Page(string query) =>
            (await JsonAsync(await host.Client.GetAsync($"/api/v1/dags/{ProbeDag.Name}/runs?{query}"))).GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("ds").GetString()).ToList();

        Assert.Equal(["2024-01-04", "2024-01-03", "2024-01-02", "2024-01-01"], await Page(""));
        Assert.Equal(["2024-01-03", "2024-01-02"], await Page("limit=2&offset=1"));
        Assert.Equal(["2024-01-01"], await Page("limit=2&offset=3"));
        Assert.Empty(await Page("offset=4"));
        foreach (var (query, field) in new[] { ("limit=0", "limit"), ($"limit={DagEndpoints.MaxRunsLimit + 1}", "limit"), ("offset=-1", "offset") })
        {
            using var refused = await host.Client.GetAsync($"/api/v1/dags/{ProbeDag.Name}/runs?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Equal(field, (await JsonAsync(refused)).GetProperty("errors")[0].GetProperty("field").GetString());
        }
    }

    private const string ReadKey = "emp_read-only";
    private const string AdminKey = "emp_admin";

    /// <summary>A host that needs keys: <see cref="ReadKey"/> may read, <see cref="AdminKey"/> may trigger.</summary>
    private static Task<TestHost> StartWithKeysAsync() => TestHost.StartAsync(configure: o => o with
    {
        Auth = new AuthOptions
        {
            Keys =
            [
                new ApiKeyEntry { Name = "analyst", Hash = ApiKeyHash.Of(ReadKey), Scopes = [Scopes.Read] },
                new ApiKeyEntry { Name = "ops", Hash = ApiKeyHash.Of(AdminKey), Scopes = [Scopes.Admin] },
            ],
        },
    });

    [Fact]
    public async Task Triggering_needs_the_admin_scope_when_keys_are_configured()
    {
        await using var host = await StartWithKeysAsync();
        HttpRequestMessage Trigger(string key) => new(HttpMethod.Post, $"/api/v1/dags/{ProbeDag.Name}/runs")
        {
            Content = TestHost.Json("{\"date\":\"2024-01-01\"}"),
            Headers = { Authorization = new("Bearer", key) },
        };
        using var asReader = await host.Client.SendAsync(Trigger(ReadKey));
        Assert.Equal(HttpStatusCode.Forbidden, asReader.StatusCode);
        using var listAsReader = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/dags") { Headers = { Authorization = new("Bearer", ReadKey) } });
        Assert.Equal(HttpStatusCode.OK, listAsReader.StatusCode);
        Assert.Null(Engine(host).Store.GetRun(Day));

        using var asAdmin = await host.Client.SendAsync(Trigger(AdminKey));
        Assert.Equal(HttpStatusCode.Created, asAdmin.StatusCode);
    }

    /// <summary>A connection string given as a run parameter was shown, password and all, to every reader of the
    /// runs (the API, so the dashboard and <c>emporium dag runs</c>); the run itself still needs the real one.</summary>
    [Fact]
    public async Task A_password_in_a_run_parameter_is_masked_for_readers_but_the_run_uses_it()
    {
        await using var host = await StartWithKeysAsync();
        var connection = $"Host=127.0.0.1;Port={FreePort.Next()};Username=app;Password=hunter2;Database=shop;Timeout=2";
        var body = JsonSerializer.Serialize(new { date = "2024-01-01", @params = new { pg_connection = connection, pg_query = "select 1 where 'x' = 'x'" } });
        using var created = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/dags/user_behaviour/runs")
        {
            Content = TestHost.Json(body),
            Headers = { Authorization = new("Bearer", AdminKey) },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", createdText, StringComparison.Ordinal);

        var key = new RunKey("user_behaviour", Day.LogicalDate);
        Assert.Equal(connection, Engine(host).Store.GetRun(key)!.Params["pg_connection"]);
        // The first try fails (nothing listens there): its error and log are shown too.
        await Engine(host).WaitUntilAsync(() => Engine(host).Store.GetTask(key, "extract_user_purchase") is { Failures: > 0 },
            new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);

        async Task<string> Read(string path)
        {
            using var response = await host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = new("Bearer", ReadKey) } });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        var runs = await Read("/api/v1/dags/user_behaviour/runs");
        var run = await Read("/api/v1/dags/user_behaviour/runs/2024-01-01");
        var logs = await Read("/api/v1/dags/user_behaviour/runs/2024-01-01/tasks/extract_user_purchase/logs");
        foreach (var text in new[] { runs, run, logs })
        {
            Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        }
        var shown = JsonDocument.Parse(runs).RootElement.GetProperty("runs")[0].GetProperty("params");
        Assert.Contains("Password=***", shown.GetProperty("pg_connection").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Host=127.0.0.1", shown.GetProperty("pg_connection").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("select 1 where 'x' = 'x'", shown.GetProperty("pg_query").GetString());
    }
}
