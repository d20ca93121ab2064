using System.Text;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Lake.Local;

public sealed class LocalLakeStoreTests : LakeStoreContractTests, IDisposable
{
    private readonly TempDir _dir = new("lake");
    private readonly LocalLakeStore _lake;

    public LocalLakeStoreTests() => _lake = new LocalLakeStore(_dir.Path);

    protected override ILakeStore Lake => _lake;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Nothing_escapes_the_root_folder()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _lake.WriteAsync("../escape.txt", Text("x"), CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_dir.Path)!, "escape.txt")));
    }

    [Fact]
    public async Task A_failed_write_leaves_no_temp_file_behind()
    {
        await _lake.WriteAsync("clean/a.bin", Text("old content"), CancellationToken.None);
        await Assert.ThrowsAsync<IOException>(() => _lake.WriteAsync("clean/a.bin", new FailingStream(Encoding.UTF8.GetBytes("new partial")), CancellationToken.None));
        Assert.Single(Directory.GetFiles(_dir.Combine("clean")));
    }

    [Fact]
    public async Task Temp_files_of_killed_writers_are_deleted_and_a_running_writers_stay()
    {
        using var ended = System.Diagnostics.Process.Start("true")!;
        await ended.WaitForExitAsync();
        using var running = System.Diagnostics.Process.Start("sleep", "60")!;
        try
        {
            await _lake.WriteAsync("clean/orders/date=2010-12-01/p0-000000000000-000000000099.parquet", Text("published"), CancellationToken.None);
            var folder = _dir.Combine("clean", "orders", "date=2010-12-01");
            string Temp(string owner) => Path.Combine(folder, $".p0-000000000100-000000000199.parquet.tmp-{owner}{Guid.NewGuid():N}");
            var killed = Temp($"{ended.Id}-");
            var busy = Temp($"{running.Id}-");
            var mineBefore = Temp($"{Environment.ProcessId}-");
            var earlierVersion = Temp("");
            foreach (var file in new[] { killed, busy, mineBefore, earlierVersion })
            {
                File.WriteAllText(file, "half a Parquet file");
            }
            File.SetLastWriteTimeUtc(mineBefore, DateTime.UtcNow.AddMinutes(-5));
            File.SetLastWriteTimeUtc(earlierVersion, DateTime.UtcNow.AddMinutes(-5));
            var mineNow = Temp($"{Environment.ProcessId}-");
            File.WriteAllText(mineNow, "being written");
            File.WriteAllText(Path.Combine(folder, ".hidden-but-not-a-temp-file"), "x");

            Assert.Equal(3, _lake.DeleteAbandonedTempFiles(DateTime.UtcNow.AddMinutes(-1)));

            Assert.Equal(
                new[] { "p0-000000000000-000000000099.parquet", Path.GetFileName(busy), Path.GetFileName(mineNow), ".hidden-but-not-a-temp-file" }.Order(StringComparer.Ordinal),
                Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        finally
        {
            running.Kill();
        }
    }
}
