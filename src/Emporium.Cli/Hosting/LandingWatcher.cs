using Emporium.Batch.Landing;

namespace Emporium.Cli.Hosting;

/// <summary>Scans the landing zone on an interval while <c>emporium up</c> runs (see <see cref="LandingZone"/>).</summary>
public sealed class LandingWatcher(LandingZone? zone, LandingOptions options, TimeProvider time, ILogger<LandingWatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (zone is null)
        {
            logger.LogWarning("landing zone not watched: batch loading is unavailable in this server");
            return;
        }
        logger.LogInformation("watching landing zone {Root}", zone.Root);
        var failures = new Emporium.Diagnostics.RecurringFailureLog(logger, "landing scan", time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await zone.ScanAsync(stoppingToken);
                failures.Succeeded();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A file moved or locked mid-scan, or a backend down (S3 unreachable, PostgreSQL restarting): the file
                // stays in landing and the next scan tries again. Letting the failure end this loop would stop the
                // whole server, as a background service's failure stops its host.
                failures.Failed(e, $"retrying every {options.ScanInterval}");
            }
            try
            {
                await Task.Delay(options.ScanInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
