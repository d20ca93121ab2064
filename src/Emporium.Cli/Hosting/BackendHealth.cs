using Emporium.Configuration;

namespace Emporium.Cli.Hosting;

/// <summary>What <c>/health</c> reports: the pieces missing since start-up plus a live ping of the warehouse and of the
/// log (a cluster), a processor whose batches fail, and whether this process can still do its role. A ping's answer is
/// kept for <see cref="CacheFor"/> and only one ping runs at a time, so a scraper polling <c>/health</c> cannot hammer
/// the database or the brokers.</summary>
public sealed class BackendHealth(Backends backends, EmporiumOptions options, TimeProvider time, Processing.StreamProcessor? processor = null)
{
    /// <summary>How long one ping's answer stands for every probe.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    /// <summary>How long a ping may take before the warehouse counts as unreachable: a probe must answer promptly
    /// even when the database host swallows packets.</summary>
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private HealthReport? _last;
    private DateTimeOffset _lastAt;

    public async Task<HealthReport> CheckAsync(CancellationToken ct)
    {
        if (Fresh() is { } cached)
        {
            return cached;
        }
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } again)
            {
                return again;
            }
            var unavailable = new Dictionary<string, string>(backends.Unavailable, StringComparer.Ordinal);
            // Side by side: a probe waits for the slower of the two, not their sum.
            var warehousePing = backends.Warehouse is { } warehouse ? PingAsync(warehouse.PingAsync, ct) : Task.FromResult<string?>(null);
            var logPing = backends.Log is { } log ? PingAsync(log.PingAsync, ct) : Task.FromResult<string?>(null);
            if (await warehousePing.ConfigureAwait(false) is { } why)
            {
                unavailable["warehouse"] = why;
            }
            if (await logPing.ConfigureAwait(false) is { } logDown)
            {
                unavailable["log"] = logDown;
            }
            // The log and lake are judged at start-up, but a processor whose batches fail (S3 unreachable, the
            // warehouse refusing its commits) lands nothing, whatever opened then.
            if (processor?.Failure is { } failing)
            {
                unavailable["processor"] = failing;
            }
            _last = new HealthReport(unavailable, Judge(options.RolesOf(), unavailable.Keys.ToHashSet(StringComparer.Ordinal)));
            _lastAt = time.GetUtcNow();
            return _last;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The pieces each role cannot work without: ingest appends normalized records to the log (the read APIs
    /// it also serves only degrade without the warehouse); the processor moves the log into the lake and warehouse; the
    /// scheduler runs DAG tasks against the warehouse.</summary>
    public static IReadOnlyList<string> Needs(ProcessRoles role) => role switch
    {
        ProcessRoles.Ingest => ["log", "normalizer"],
        ProcessRoles.Processor => ["log", "lake", "warehouse", "processor"],
        ProcessRoles.Scheduler => ["warehouse"],
        _ => [],
    };

    /// <summary><see cref="HealthStatus.Unavailable"/> when a load balancer should stop sending this process work: it
    /// hosts ingest and ingest cannot take records, or none of its roles can work. <see cref="HealthStatus.Degraded"/>
    /// when a piece is missing but the process still does its role (ingest keeps accepting records into the log while
    /// the warehouse is down).</summary>
    public static HealthStatus Judge(ProcessRoles roles, IReadOnlySet<string> unavailable)
    {
        if (unavailable.Count == 0)
        {
            return HealthStatus.Ok;
        }
        bool Works(ProcessRoles role) => !Needs(role).Any(unavailable.Contains);
        var hosted = new[] { ProcessRoles.Ingest, ProcessRoles.Processor, ProcessRoles.Scheduler }.Where(r => (roles & r) != 0).ToList();
        var down = (roles & ProcessRoles.Ingest) != 0 ? !Works(ProcessRoles.Ingest) : !hosted.Any(Works);
        return down ? HealthStatus.Unavailable : HealthStatus.Degraded;
    }

    private HealthReport? Fresh() => _last is { } last && time.GetUtcNow() - _lastAt < CacheFor ? last : null;

    private async Task<string?> PingAsync(Func<CancellationToken, Task<string?>> ping, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(PingTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            return await ping(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"no answer within {PingTimeout.TotalSeconds:0.#} s";
        }
    }
}

/// <summary>One health check: the missing pieces with their reasons, and the verdict.</summary>
public sealed record HealthReport(IReadOnlyDictionary<string, string> Unavailable, HealthStatus Status);

public enum HealthStatus
{
    Ok,
    Degraded,
    Unavailable,
}
