using Emporium.Sources.SellerCatalog;
using Emporium.Tests.TestSupport;
using Microsoft.AspNetCore.Http;

namespace Emporium.Tests.Sources.SellerCatalog;

/// <summary>How the client treats a server that asks it to wait (<c>Retry-After</c>): within the cap it waits on the
/// injected clock, beyond it the try fails at once, and no response it received is left undisposed.</summary>
public sealed class SellerCatalogRetryAfterTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

    private static SellerCatalogOptions Options(Uri baseUrl) => SellerCatalogClientTests.Options(baseUrl) with
    {
        // No pacing and a long attempt limit: the only timer the test advances is the Retry-After wait.
        RequestsPerSecond = 0,
        RequestTimeout = TimeSpan.FromHours(1),
    };

    /// <summary>Page 1 answers <paramref name="status"/> with <paramref name="retryAfter"/> (given the server's now)
    /// on its first try, then the catalog of <see cref="SellerCatalogStub"/> without failures.</summary>
    private static Task<StubHttpServer> ServerAsync(TimeProvider clock, int status, Func<DateTimeOffset, string> retryAfter, List<DateTimeOffset> seen)
    {
        var pageOneTries = 0;
        return StubHttpServer.StartAsync(async (context, request) =>
        {
            lock (seen)
            {
                seen.Add(clock.GetUtcNow());
            }
            var page = int.Parse(request.Query["page"]);
            if (page == 1 && Interlocked.Increment(ref pageOneTries) == 1)
            {
                context.Response.StatusCode = status;
                context.Response.Headers.RetryAfter = retryAfter(clock.GetUtcNow());
                await context.Response.WriteAsync("{\"message\":\"slow down\"}");
                return;
            }
            var products = page == 1 ? SellerCatalogStub.SampleProducts() : [];
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(new System.Text.Json.Nodes.JsonObject
            {
                ["status"] = "OK",
                ["data"] = new System.Text.Json.Nodes.JsonObject { ["products"] = products },
            }.ToJsonString());
        });
    }

    public static TheoryData<int, string> LongWaits => new()
    {
        { 429, "delta" },
        { 503, "delta" },
        { 429, "date" },
        { 503, "date" },
    };

    private static string RetryAfter(string form, DateTimeOffset now, int seconds) =>
        form == "delta" ? seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : now.AddSeconds(seconds).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [MemberData(nameof(LongWaits))]
    public async Task A_two_minute_Retry_After_is_waited_on_the_injected_clock_by_default(int status, string form)
    {
        var clock = new TestClock(Start);
        var seen = new List<DateTimeOffset>();
        await using var server = await ServerAsync(clock, status, now => RetryAfter(form, now, 120), seen);
        using var http = new HttpClient();
        var client = new SellerCatalogClient(http, Options(server.BaseUrl), clock);

        var fetch = Pages(client);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var armed = clock.WaitForTimerAsync(Start.AddSeconds(120), patience.Token);
        if (await Task.WhenAny(armed, fetch) == fetch)
        {
            await fetch; // ended without waiting: its exception says why
        }
        await armed;
        Assert.Single(server.Requests);
        clock.Advance(TimeSpan.FromSeconds(120));
        var pages = await fetch.WaitAsync(patience.Token);

        Assert.Equal([SellerCatalogStub.SampleProducts().Count], pages.Select(p => p.ProductCount));
        Assert.Equal(["1", "1", "2"], server.Requests.Select(r => r.Query["page"]));
        Assert.Equal([Start, Start.AddSeconds(120), Start.AddSeconds(120)], seen);
    }

    [Theory]
    [MemberData(nameof(LongWaits))]
    public async Task A_Retry_After_beyond_the_cap_fails_the_try_at_once_naming_the_wait(int status, string form)
    {
        var clock = new TestClock(Start);
        var seen = new List<DateTimeOffset>();
        await using var server = await ServerAsync(clock, status, now => RetryAfter(form, now, 900), seen);
        using var http = new HttpClient();
        var client = new SellerCatalogClient(http, Options(server.BaseUrl) with { MaxRetryAfter = TimeSpan.FromMinutes(5) }, clock);

        // Without the clock moving: the client must not start waiting.
        var error = await Assert.ThrowsAsync<SellerCatalogException>(() => Pages(client).WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.StartsWith($"seller catalog page 1: HTTP {status} ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Retry-After asks for 900 s, more than the 300 s max_retry_after", error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    public static TheoryData<string> Endings => new() { "retried then served", "wait beyond the cap", "retries exhausted", "rejected key" };

    [Theory]
    [MemberData(nameof(Endings))]
    public async Task Every_response_received_is_disposed(string ending)
    {
        var triesByPage = new Dictionary<int, int>();
        await using var server = await StubHttpServer.StartAsync(async (context, request) =>
        {
            var page = int.Parse(request.Query["page"]);
            int tries;
            lock (triesByPage)
            {
                tries = triesByPage[page] = triesByPage.GetValueOrDefault(page) + 1;
            }
            (int Status, string? RetryAfter) answer = ending switch
            {
                "retried then served" => tries == 1 ? (429, "0") : (200, null),
                "wait beyond the cap" => (503, "3600"),
                "retries exhausted" => (500, null),
                _ => (401, null),
            };
            context.Response.StatusCode = answer.Status;
            if (answer.RetryAfter is { } wait)
            {
                context.Response.Headers.RetryAfter = wait;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.Status != 200 ? "{\"message\":\"no\"}"
                : $"{{\"status\":\"OK\",\"data\":{{\"products\":{(page == 1 ? SellerCatalogStub.SampleProducts().ToJsonString() : "[]")}}}}}");
        });
        var tracking = new DisposalTrackingHandler();
        using var http = new HttpClient(tracking);
        var client = new SellerCatalogClient(http, SellerCatalogClientTests.Options(server.BaseUrl) with { MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(1) });

        try
        {
            await Pages(client);
        }
        catch (SellerCatalogException)
        {
            // Whether the fetch fails is not the point here.
        }

        Assert.Equal(server.Requests.Count, tracking.Received);
        Assert.Equal(tracking.Received, tracking.Disposed);
    }

    private static async Task<List<SellerCatalogPage>> Pages(SellerCatalogClient client)
    {
        var pages = new List<SellerCatalogPage>();
        await foreach (var page in client.FetchPagesAsync(CancellationToken.None))
        {
            pages.Add(page);
        }
        return pages;
    }

    /// <summary>Counts responses handed to the client and how many of them were disposed (seen through their content,
    /// which disposing a response disposes).</summary>
    private sealed class DisposalTrackingHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _received;
        private int _disposed;

        public int Received => Volatile.Read(ref _received);

        public int Disposed => Volatile.Read(ref _disposed);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Interlocked.Increment(ref _received);
            response.Content = new TrackedContent(response.Content, () => Interlocked.Increment(ref _disposed));
            return response;
        }
    }

    private sealed class TrackedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private Action? _onDispose;

        public TrackedContent(HttpContent inner, Action onDispose)
        {
            _inner = inner;
            _onDispose = onDispose;
            foreach (var header in inner.Headers)
            {
                Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => _inner.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                Interlocked.Exchange(ref _onDispose, null)?.Invoke();
                _inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
