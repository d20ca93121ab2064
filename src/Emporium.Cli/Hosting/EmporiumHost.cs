using System.Net;
using Emporium.Cli.Web;
using Emporium.Cli.Web.Auth;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Log;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;

namespace Emporium.Cli.Hosting;

/// <summary>One Emporium process: owns the data dir, creates the backends from their addresses, registers every
/// service and endpoint module, and serves HTTP. Start-up refuses a non-loopback address without API keys.</summary>
public sealed class EmporiumHost : IAsyncDisposable
{
    private readonly DataDirLock _lock;
    private bool _disposed;

    private EmporiumHost(WebApplication app, DataDirLock dirLock, string url, Backends backends)
    {
        App = app;
        _lock = dirLock;
        Url = url;
        Backends = backends;
    }

    public WebApplication App { get; }

    /// <summary>Base URL the server listens on, e.g. http://127.0.0.1:5080.</summary>
    public string Url { get; }

    public Backends Backends { get; }

    /// <param name="backends">Backends to use instead of creating them from the options (tests, benchmarks); the host
    /// owns them, and whether they can be shared between roles' processes is the caller's business.</param>
    public static async Task<EmporiumHost> StartAsync(EmporiumOptions options, IConfiguration configuration, TextWriter output, CancellationToken ct, Backends? backends = null)
    {
        CheckBinding(options);
        _ = options.RolesOf(); // an unknown role stops start-up before anything is opened
        // Bound again inside the host's services; a wrong value stops start-up here, with its own message, rather than
        // as a failed service resolution with the host's stack trace in the log.
        _ = OrchestratorServiceModule.Settings(configuration);
        if (backends is null)
        {
            Backends.EnsureServed(options);
            SplitDeployment.EnsureBackendsShared(options);
        }
        var dataDir = BackendAddresses.FullDataDir(options);
        var dirLock = DataDirLock.Acquire(dataDir);
        WebApplication? app = null;
        try
        {
            backends ??= await Backends.CreateAsync(options, ct);
            app = Build(options, configuration, backends);
            await InitializeAsync(backends, options, app.Services, ct);
            await app.StartAsync(ct);
            var url = ListeningUrl(app, options);
            var startedAt = DateTimeOffset.UtcNow;
            var keys = app.Services.GetRequiredService<ApiKeyRing>();
            void Publish() => dirLock.Publish(() => new ServerInfo(url, Environment.ProcessId, startedAt, keys.Required));
            // Subscribed before the first publish: the reloader runs already, and a change it made between that publish
            // reading the keys and the subscription would never reach server.json.
            keys.Changed += _ => Publish();
            Publish();
            var host = new EmporiumHost(app, dirLock, url, backends);
            host.PrintBanner(options, output);
            return host;
        }
        catch (Exception e)
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
            else if (backends is not null)
            {
                await backends.DisposeAsync();
            }
            dirLock.Abandon();
            if (Commands.DiskFullReport.OpeningDataDir(dataDir, e) is var wrapped && wrapped != e)
            {
                throw wrapped;
            }
            throw;
        }
    }

    /// <summary>Blocks until Ctrl+C / SIGTERM (or <paramref name="ct"/>), then drains: in-flight requests finish and
    /// hosted services (processor, scheduler) stop before the backends are closed.</summary>
    public async Task WaitForShutdownAsync(CancellationToken ct)
    {
        await App.WaitForShutdownAsync(ct);
    }

    /// <summary>Why the host stopped itself rather than being asked to (a lost scheduler lease), or null.</summary>
    public string? FailureReason =>
        App.Services.GetServices<IHostedService>().OfType<OrchestratorHostedService>().Select(s => s.StopReason).FirstOrDefault(r => r is not null);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        try
        {
            await App.StopAsync(CancellationToken.None);
        }
        finally
        {
            await App.DisposeAsync();
            _lock.Dispose();
        }
    }

    public static bool IsLoopback(string bind) =>
        string.Equals(bind, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(bind, out var ip) && IPAddress.IsLoopback(ip));

    private static void CheckBinding(EmporiumOptions options)
    {
        if (options.Port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new StartupException($"port {options.Port} is not a TCP port: give 1 to {IPEndPoint.MaxPort} (--port or Port in emporium.json), or 0 for any free one");
        }
        if (!IsLoopback(options.Bind) && !IPAddress.TryParse(options.Bind, out _))
        {
            throw new StartupException($"cannot bind to '{options.Bind}': give an IP address (e.g. 127.0.0.1 or 0.0.0.0) or 'localhost'");
        }
        if (options.Auth.Keys.Count == 0 && !IsLoopback(options.Bind))
        {
            throw new StartupException(
                $"refusing to bind to {options.Bind} without API keys: anyone on the network could write and read data. " +
                "Create a key with 'emporium keys add --scope admin' (or configure Auth:Keys), or bind to 127.0.0.1.");
        }
        EnsurePortFree(options);
        if (ApiKeyValidation.Problem(options.Auth) is { } problem)
        {
            throw new StartupException(problem);
        }
    }

    /// <summary>A port another program listens on is refused before anything opens, with a message instead of the
    /// web host's start-up failure and stack trace. (Kestrel still reports a port taken between this check and its
    /// own bind.)</summary>
    private static void EnsurePortFree(EmporiumOptions options)
    {
        if (options.Port == 0)
        {
            return;
        }
        var address = IPAddress.TryParse(options.Bind, out var ip) ? ip : IPAddress.Loopback;
        try
        {
            var probe = new System.Net.Sockets.TcpListener(address, options.Port);
            probe.Start();
            probe.Stop();
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode is System.Net.Sockets.SocketError.AddressAlreadyInUse or System.Net.Sockets.SocketError.AccessDenied)
        {
            throw new StartupException(e.SocketErrorCode == System.Net.Sockets.SocketError.AccessDenied
                ? $"not allowed to listen on port {options.Port} of {options.Bind}: choose another with --port"
                : $"port {options.Port} of {options.Bind} is already in use (another Emporium or another program): choose another with --port");
        }
    }

    private static WebApplication Build(EmporiumOptions options, IConfiguration configuration, Backends backends)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmporiumHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            Args = [],
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("System", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (string.Equals(options.Bind, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(options.Port);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(options.Bind), options.Port);
            }
            // Ingest enforces its own, clearer limit; this only stops other endpoints from taking unbounded bodies.
            kestrel.Limits.MaxRequestBodySize = options.Ingest.MaxBodyBytes + 1024 * 1024;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.NumberHandling = ResultJson.Options.NumberHandling;
            o.SerializerOptions.Encoder = ResultJson.Options.Encoder;
            foreach (var converter in ResultJson.Options.Converters)
            {
                o.SerializerOptions.Converters.Add(converter);
            }
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ApiKeyRing(options.Auth, IsLoopback(options.Bind)));
        builder.Services.AddHostedService(sp => new ApiKeyReloader(BackendAddresses.FullDataDir(options), options.Auth.ReloadInterval,
            sp.GetRequiredService<ApiKeyRing>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ApiKeyReloader>>()));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new HostClock(DateTimeOffset.UtcNow));
        builder.Services.AddSingleton(backends);
        if (backends.Lake is Emporium.Lake.Local.LocalLakeStore localLake)
        {
            builder.Services.AddHostedService(sp => new LakeTempSweeper(localLake, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LakeTempSweeper>>()));
        }
        builder.Services.AddSingleton<BackendHealth>();
        if (backends.Log is { } log)
        {
            builder.Services.AddSingleton(log);
            if (log is Emporium.Log.Embedded.EmbeddedEventLog embedded)
            {
                builder.Services.AddSingleton(embedded);
            }
        }
        if (backends.Lake is { } lake)
        {
            builder.Services.AddSingleton(lake);
        }
        if (backends.Warehouse is { } warehouse)
        {
            builder.Services.AddSingleton(warehouse);
        }
        if (backends.Normalizer is { } normalizer)
        {
            builder.Services.AddSingleton(normalizer);
        }
        builder.Services.AddOpenApi();
        // A value that does not bind (limit=abc) would otherwise get a bare 400 with no body; thrown, the exception
        // handler answers it with the field and reason like every other 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        foreach (var module in ModuleDiscovery.ServiceModules())
        {
            module.Configure(builder.Services, options);
        }

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = UnhandledExceptionResponder.WriteAsync,
            // A client's bad request (a value that does not bind, a body over the limit) is answered, not a server fault;
            // so is a backend down (named in the answer and in /health), whose stack trace per request would flood the log.
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException
                || BackendOutage.Describe(c.Exception, c.HttpContext.RequestServices.GetRequiredService<Backends>()) is not null,
        });
        app.UseStatusCodePages(MethodNotAllowed.WriteAsync);
        app.UseRouting();
        app.UseMiddleware<ApiKeyMiddleware>();
        var roles = options.RolesOf();
        foreach (var module in ModuleDiscovery.EndpointModules().Where(m => (m.Roles & roles) != 0))
        {
            module.Map(app);
        }
        app.MapOpenApi().RequireScope(Scopes.Read);
        // Backends are owned by this host: closed after the hosted services stopped and the server drained.
        app.Lifetime.ApplicationStopped.Register(() => backends.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }

    private static async Task InitializeAsync(Backends backends, EmporiumOptions options, IServiceProvider services, CancellationToken ct)
    {
        if (backends.Warehouse is { } warehouse)
        {
            try
            {
                await warehouse.InitializeAsync(DatasetCatalog.Streamed, ct);
            }
            catch (Exception e) when (options.Runs(ProcessRoles.Processor) && warehouse.DescribeOutage(e) is { } down)
            {
                // It answered the start-up check and went away since (a PostgreSQL restart): the processor prepares
                // the same tables when it starts, and retries that in the background until the warehouse is back,
                // with /health saying why, as for any later outage. Taking the server down helped nobody.
                services.GetRequiredService<ILogger<EmporiumHost>>().LogWarning(
                    "warehouse not prepared at start-up ({Reason}); the processor prepares it once it answers", down);
            }
        }
        if (backends.Log is { } log)
        {
            foreach (var dataset in DatasetCatalog.Streamed)
            {
                try
                {
                    await log.EnsureTopicAsync(dataset.Name, options.Partitions, ct);
                }
                catch (LogUnavailableException e)
                {
                    // A cluster that does not create the topics is a setting to fix, not a crash.
                    throw new BackendConfigurationException(BackendKind.Log, e.Message, e);
                }
            }
            // Before the server accepts requests: find requests appended by a previous run whose answer was never recorded.
            await services.GetRequiredService<Emporium.Ingest.IdempotencyStore>().AttachLogAsync(log, DatasetCatalog.Streamed.Select(d => d.Name).ToList(), ct);
        }
    }

    private static string ListeningUrl(WebApplication app, EmporiumOptions options)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri))
        {
            var host = IPAddress.TryParse(options.Bind, out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)) ? "127.0.0.1" : uri.Host;
            return $"http://{(host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host)}:{uri.Port}";
        }
        return $"http://{options.Bind}:{options.Port}";
    }

    /// <summary>What the banner says the server listens on. <see cref="Url"/> turns a wildcard bind into loopback, the
    /// address local clients (server.json) connect to; said alone it hid that the network reaches the server too.</summary>
    private string Listening(EmporiumOptions options)
    {
        if (!IPAddress.TryParse(options.Bind, out var ip) || !(ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)))
        {
            return Url;
        }
        var port = new Uri(Url).Port;
        var bound = ip.Equals(IPAddress.IPv6Any) ? $"[{ip}]" : ip.ToString();
        return $"{bound}:{port} (every interface): {Url} on this machine, http://{Dns.GetHostName()}:{port} from the network";
    }

    private void PrintBanner(EmporiumOptions options, TextWriter output)
    {
        output.WriteLine($"Emporium listening on {Listening(options)}  (data: {BackendAddresses.FullDataDir(options)})");
        output.WriteLine($"  role:      {ProcessRoleSetting.Describe(options.RolesOf())}");
        output.WriteLine($"  log:       {Backends.Describe("log")}");
        output.WriteLine($"  lake:      {Backends.Describe("lake")}");
        output.WriteLine($"  warehouse: {Backends.Describe("warehouse")}");
        if (Backends.Unavailable.TryGetValue("normalizer", out var why))
        {
            output.WriteLine($"  ingest:    unavailable ({why})");
        }
        output.WriteLine(options.Auth.Keys.Count > 0
            ? $"  auth:      on ({options.Auth.Keys.Count} API key(s))"
            : "  auth:      off (no API keys configured; serving loopback only)");
        output.WriteLine("Press Ctrl+C to stop.");
        output.Flush();
    }
}
