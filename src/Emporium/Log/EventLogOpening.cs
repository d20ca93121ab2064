namespace Emporium.Log;

/// <summary>How a backend's <c>OpenAsync</c> hands out a log: a constructed log whose first check (loading topics,
/// reaching the cluster) fails is disposed before the error leaves, so a failed open holds no lock, file or client.</summary>
internal static class EventLogOpening
{
    public static async Task<T> CheckOrDisposeAsync<T>(T log, Action<T> check, CancellationToken ct) where T : IAsyncDisposable
    {
        try
        {
            await Task.Run(() => check(log), ct).ConfigureAwait(false);
            return log;
        }
        catch
        {
            await log.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
