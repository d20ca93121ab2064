using System.Net.Http.Headers;
using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;

namespace Emporium.Tests.Cli;

/// <summary>A real Emporium host (Kestrel on a free loopback port) over a temp data dir, with given backends.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly TempDir? _ownedDir;

    private TestHost(EmporiumHost host, TempDir? ownedDir, string dataDir)
    {
        Host = host;
        _ownedDir = ownedDir;
        DataDir = dataDir;
        Client = new HttpClient { BaseAddress = new Uri(host.Url) };
    }

    public EmporiumHost Host { get; }

    public HttpClient Client { get; }

    public string DataDir { get; }

    public static async Task<TestHost> StartAsync(
        IEventLog? log = null, IRecordNormalizer? normalizer = null, IWarehouse? warehouse = null, ILakeStore? lake = null,
        Func<EmporiumOptions, EmporiumOptions>? configure = null, string? dataDir = null)
    {
        var owned = dataDir is null ? new TempDir("host") : null;
        dataDir ??= owned!.Path;
        var configuration = EmporiumConfiguration.Build(dataDir, new Dictionary<string, string?> { ["Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var options = EmporiumConfiguration.Bind(configuration);
        options = KeysStayInForce(configure?.Invoke(options) ?? options, dataDir);
        var backends = Backends.FromInstances(options, log, lake, warehouse, normalizer);
        var host = await EmporiumHost.StartAsync(options, configuration, TextWriter.Null, CancellationToken.None, backends);
        return new TestHost(host, owned, dataDir);
    }

    /// <summary>A host over the real embedded stack (segment log, DuckDB, local lake, stream processor), as
    /// <c>emporium up</c> runs it, with <paramref name="flags"/> as its command-line settings (<c>Demo</c>…).</summary>
    public static async Task<TestHost> StartEmbeddedAsync(string? dataDir = null, IReadOnlyDictionary<string, string?>? flags = null)
    {
        var owned = dataDir is null ? new TempDir("host") : null;
        dataDir ??= owned!.Path;
        var all = new Dictionary<string, string?>(flags ?? new Dictionary<string, string?>()) { ["Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var configuration = EmporiumConfiguration.Build(dataDir, all);
        var host = await EmporiumHost.StartAsync(KeysStayInForce(EmporiumConfiguration.Bind(configuration), dataDir), configuration, TextWriter.Null, CancellationToken.None);
        return new TestHost(host, owned, dataDir);
    }

    /// <summary>A running server takes its keys again from the data dir's file and the environment (where a real one
    /// gets them) at the reloader's first look, 2 s in; keys a test hands over in memory (flags, <c>configure</c>)
    /// would be dropped then, and a slow test would find its server open to any caller. Such hosts do not reload.</summary>
    private static EmporiumOptions KeysStayInForce(EmporiumOptions options, string dataDir) =>
        options.Auth.Keys.Count > 0 && EmporiumConfiguration.Load(dataDir).Auth.Keys.Count == 0
            ? options with { Auth = options.Auth with { ReloadInterval = TimeSpan.Zero } }
            : options;

    public static HttpContent Json(string body, string contentType = "application/json") =>
        new StringContent(body, new MediaTypeHeaderValue(contentType));

    public static HttpContent Bytes(byte[] body, string contentType) =>
        new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        _ownedDir?.Dispose();
    }
}
