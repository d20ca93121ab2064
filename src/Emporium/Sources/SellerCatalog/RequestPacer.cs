namespace Emporium.Sources.SellerCatalog;

/// <summary>Spaces requests at least <c>1 / requestsPerSecond</c> apart. A plain pacer on the injected
/// <see cref="TimeProvider"/> rather than a token-bucket limiter on wall-clock timers, so tests can move time.</summary>
public sealed class RequestPacer(double requestsPerSecond, TimeProvider time)
{
    private readonly TimeSpan _interval = requestsPerSecond > 0 ? TimeSpan.FromSeconds(1 / requestsPerSecond) : TimeSpan.Zero;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long? _last;

    public async Task WaitAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_last is { } last)
            {
                var wait = _interval - time.GetElapsedTime(last);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct);
                }
            }
            _last = time.GetTimestamp();
        }
        finally
        {
            _gate.Release();
        }
    }
}
