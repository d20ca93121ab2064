using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Emporium.Bench.Ingest;

/// <summary>The peer the ingest numbers are divided by: a Kestrel endpoint that reads the same body and answers 202
/// with a small JSON, doing nothing else. Same process, same run, same machine noise.</summary>
public sealed class NoopServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NoopServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public static async Task<NoopServer> StartAsync(int port, CancellationToken ct)
    {
        // Content root beside the binary: the default (the working directory) is watched for configuration changes,
        // and a working directory that holds the host's data would turn every log write into watcher work.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = 64L * 1024 * 1024;
        });
        var app = builder.Build();
        app.MapPost("/noop", async (HttpContext context) =>
        {
            var buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
            {
                total += n;
            }
            context.Response.StatusCode = 202;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($"{{\"dataset\":\"orders\",\"accepted\":{total},\"rejected\":0,\"errors\":[]}}", context.RequestAborted);
        });
        await app.StartAsync(ct);
        return new NoopServer(app, $"http://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
