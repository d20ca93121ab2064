using Emporium.Lake.Local;

namespace Emporium.Cli.Hosting;

/// <summary>Deletes, once at start and off the start-up path, the temp files that writers killed mid-write left in a
/// local lake (<see cref="LocalLakeStore.DeleteAbandonedTempFiles"/>). Made when the host is built, before any of its
/// lake writers runs, so a temp file of this process written before then is a leftover too.</summary>
public sealed class LakeTempSweeper(LocalLakeStore lake, TimeProvider time, ILogger<LakeTempSweeper> logger) : BackgroundService
{
    private readonly DateTime _before = time.GetUtcNow().UtcDateTime;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        try
        {
            var removed = lake.DeleteAbandonedTempFiles(_before);
            if (removed > 0)
            {
                logger.LogInformation("lake: deleted {Count} temp file(s) that writers killed mid-write left", removed);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("lake: could not sweep the temp files killed writers left: {Error}", e.Message);
        }
    }, stoppingToken);
}
