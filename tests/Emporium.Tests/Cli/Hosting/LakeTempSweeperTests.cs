using Emporium.Cli.Hosting;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>The sweeper takes "now" from a precise clock, while the kernel stamps files from a coarser one (a tick
/// behind, or a whole second on some file systems): a temp file this process began writing just after the sweeper
/// was made could carry an earlier time, pass for a leftover of a restarted container, and be deleted mid-write.</summary>
public sealed class LakeTempSweeperTests
{
    [Fact]
    public async Task A_temp_file_this_process_is_writing_is_never_swept_whatever_its_time()
    {
        using var dir = new TempDir("lake-sweep");
        var lake = new LocalLakeStore(dir.Path);
        var started = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(123_4567);
        var time = new FakeTimeProvider(started);
        var sweeper = new LakeTempSweeper(lake, time, NullLogger<LakeTempSweeper>.Instance);

        var folder = dir.Combine("clean", "orders", "date=2010-12-01");
        Directory.CreateDirectory(folder);
        string Temp(string owner, DateTimeOffset written)
        {
            var file = Path.Combine(folder, $".p0-000000000100-000000000199.parquet.tmp-{owner}-{Guid.NewGuid():N}");
            File.WriteAllText(file, "half a Parquet file");
            File.SetLastWriteTimeUtc(file, written.UtcDateTime);
            return file;
        }
        // Written after the sweeper was made, stamped by the coarse clock a few milliseconds before it.
        var writing = Temp(ScratchFolder.OwnerToken, started.AddMilliseconds(-4));
        // An earlier process of the same id (a restarted container): another start time, so a leftover, however recent.
        var pid = Environment.ProcessId;
        var previous = ScratchFolder.ParseOwner(ScratchFolder.OwnerToken)!.Value.Started!.Value - 3600;
        var restarted = Temp($"{pid}.{previous}", started.AddMilliseconds(-4));
        // No owner recorded (an earlier version): a leftover when older than the sweeper.
        var oldVersion = Temp("", started.AddMinutes(-5));

        await sweeper.StartAsync(CancellationToken.None);
        await sweeper.ExecuteTask!;

        Assert.True(File.Exists(writing), "the temp file this process is writing was deleted");
        Assert.False(File.Exists(restarted), "the restarted container's leftover is still there");
        Assert.False(File.Exists(oldVersion), "an earlier version's leftover is still there");
    }
}
