using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Emporium.Tests.TestSupport;

/// <summary>A real HTTP server (Kestrel) on a free loopback port that answers every request with
/// <paramref name="handler"/> and records what it received: a stand-in for a third-party API or a webhook receiver.</summary>
public sealed class StubHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubHttpServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>Requests in arrival order.</summary>
    public ConcurrentQueue<StubRequest> Requests { get; } = new();

    public static async Task<StubHttpServer> StartAsync(Func<HttpContext, StubRequest, Task> handler)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
            var app = builder.Build();
            var server = new StubHttpServer(app, new Uri($"http://127.0.0.1:{port}/"));
            app.Run(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var request = new StubRequest(
                    context.Request.Method,
                    context.Request.Path.Value ?? "",
                    context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                    context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                    await reader.ReadToEndAsync());
                server.Requests.Enqueue(request);
                await handler(context, request);
            });
            try
            {
                await app.StartAsync();
                return server;
            }
            catch (IOException) when (attempt < 3)
            {
                await app.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One request the stub received.</summary>
public sealed record StubRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body);
