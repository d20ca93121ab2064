using Emporium.Alerts;
using Emporium.Sources;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Alerts;

public sealed class AlertDispatcherTests
{
    private static Alert NewAlert(string asin) => new(
        $"id-{asin}", AlertKind.PriceChange, "products", asin, null, 10, 20, 100, $"{asin} doubled",
        new DateOnly(2024, 3, 1), new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.Zero));

    /// <summary>webhook_retries=0 posts each delivery once (Polly refuses a retry strategy of 0 attempts, so building the
    /// dispatcher threw and the alerts task failed).</summary>
    [Fact]
    public async Task With_no_retries_each_delivery_is_posted_once()
    {
        using var dir = new TempDir("alert-dispatch");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var ok = await StubHttpServer.StartAsync((context, _) => Task.CompletedTask);
        await using var dead = await StubHttpServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        var store = new AlertStore(warehouse);
        await store.SaveNewAsync([NewAlert("A1")], [new Uri(ok.BaseUrl, "ok").ToString(), new Uri(dead.BaseUrl, "dead").ToString()], CancellationToken.None);
        using var http = new HttpClient();

        var summary = await new AlertDispatcher(http, store, new AlertOptions { DeliveryRetries = 0 }).DispatchAsync(CancellationToken.None);

        Assert.Equal(new DispatchSummary(1, 1, 0), summary);
        Assert.Single(ok.Requests);
        Assert.Single(dead.Requests);
    }

    /// <summary>The alert is posted with its length: a chunked body (what a JSON content of unknown length is sent as)
    /// reads as empty to receivers that only honour Content-Length, e.g. Python's http.server, and they then got
    /// nothing but the Idempotency-Key while the delivery was counted as delivered.</summary>
    [Fact]
    public async Task The_alert_is_posted_as_json_with_its_content_length()
    {
        using var dir = new TempDir("alert-dispatch");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var hook = await StubHttpServer.StartAsync((context, _) => Task.CompletedTask);
        var store = new AlertStore(warehouse);
        await store.SaveNewAsync([NewAlert("A1")], [new Uri(hook.BaseUrl, "hook").ToString()], CancellationToken.None);
        using var http = new HttpClient();

        await new AlertDispatcher(http, store, new AlertOptions()).DispatchAsync(CancellationToken.None);

        var posted = Assert.Single(hook.Requests);
        Assert.True(posted.Headers.TryGetValue("Content-Length", out var length), "no Content-Length: " + string.Join(", ", posted.Headers.Keys));
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(posted.Body), int.Parse(length, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(posted.Headers.ContainsKey("Transfer-Encoding"));
        Assert.StartsWith("application/json", posted.Headers["Content-Type"], StringComparison.Ordinal);
        using var body = System.Text.Json.JsonDocument.Parse(posted.Body);
        Assert.Equal("A1", body.RootElement.GetProperty("asin").GetString());
        Assert.Equal("id-A1", body.RootElement.GetProperty("id").GetString());
        Assert.Equal("id-A1", posted.Headers["Idempotency-Key"]);
    }

    /// <summary>A dead webhook is tried once per dispatch, yet every one of its deliveries counts that dispatch: all are
    /// given up after MaxDispatches, not one alert per MaxDispatches dispatches.</summary>
    [Fact]
    public async Task Every_delivery_to_a_dead_webhook_is_given_up_after_max_dispatches()
    {
        using var dir = new TempDir("alert-dispatch");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var dead = await StubHttpServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        var webhook = new Uri(dead.BaseUrl, "hook").ToString();
        var store = new AlertStore(warehouse);
        await store.SaveNewAsync([NewAlert("A1"), NewAlert("A2"), NewAlert("A3")], [webhook], CancellationToken.None);
        using var http = new HttpClient();
        var dispatcher = new AlertDispatcher(http, store, new AlertOptions { DeliveryRetries = 1, DeliveryRetryDelay = TimeSpan.FromMilliseconds(1), MaxDispatches = 2 });

        var first = await dispatcher.DispatchAsync(CancellationToken.None);
        Assert.Equal(new DispatchSummary(0, 3, 0), first);
        var second = await dispatcher.DispatchAsync(CancellationToken.None);
        Assert.Equal(new DispatchSummary(0, 0, 3), second);

        Assert.Equal(4, dead.Requests.Count); // one try and its retry per dispatch, not per alert
        Assert.Empty(await store.PendingAsync(CancellationToken.None));
        var rows = await warehouse.QueryAsync($"SELECT state, attempts, last_error FROM {SeedDatasets.AlertDeliveries.Name} ORDER BY alert_id", CancellationToken.None);
        Assert.All(rows.Rows, r =>
        {
            Assert.Equal(AlertStore.Failed, r[0]);
            Assert.Equal(2L, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("HTTP 503", r[2]);
        });
        Assert.Equal(3, rows.Rows.Count);
    }

    /// <summary>A webhook's URL is a credential, and the dispatcher logs into the alerts task's log, which every
    /// read-scope key may read: a failed delivery names the webhook by its origin only.</summary>
    [Fact]
    public async Task A_failed_delivery_is_logged_without_the_webhooks_secret_path()
    {
        using var dir = new TempDir("alert-dispatch");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var dead = await StubHttpServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        var webhook = new Uri(dead.BaseUrl, "services/T0/B0/s3cr3t?token=t0k3n").ToString();
        var store = new AlertStore(warehouse);
        await store.SaveNewAsync([NewAlert("A1")], [webhook], CancellationToken.None);
        using var http = new HttpClient();
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger();

        await new AlertDispatcher(http, store, new AlertOptions { DeliveryRetries = 0 }, log: logger).DispatchAsync(CancellationToken.None);

        var warning = Assert.Single(logger.Collector.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning).Message;
        Assert.Contains($"{dead.BaseUrl.Scheme}://{dead.BaseUrl.Authority}/…", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("t0k3n", warning, StringComparison.Ordinal);
    }

    /// <summary>A receiver that refuses the request (4xx) is not retried within a dispatch; one that is unavailable
    /// (5xx), timing out (408) or throttling (429) is.</summary>
    [Theory]
    [InlineData(400, 1)]
    [InlineData(404, 1)]
    [InlineData(410, 1)]
    [InlineData(408, 3)]
    [InlineData(429, 3)]
    [InlineData(503, 3)]
    public async Task Only_answers_that_may_change_are_retried(int status, int posts)
    {
        using var dir = new TempDir("alert-dispatch");
        await using var warehouse = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        await using var hook = await StubHttpServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        });
        var store = new AlertStore(warehouse);
        await store.SaveNewAsync([NewAlert("A1")], [new Uri(hook.BaseUrl, "hook").ToString()], CancellationToken.None);
        using var http = new HttpClient();

        var summary = await new AlertDispatcher(http, store, new AlertOptions { DeliveryRetries = 2, DeliveryRetryDelay = TimeSpan.FromMilliseconds(1) })
            .DispatchAsync(CancellationToken.None);

        Assert.Equal(new DispatchSummary(0, 1, 0), summary);
        Assert.Equal(posts, hook.Requests.Count);
    }
}
