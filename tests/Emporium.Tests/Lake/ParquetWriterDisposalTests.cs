using DuckDB.NET.Data;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Lake;

/// <summary>The writer's DuckDB connection is native: disposing it while a write runs on it on another thread frees
/// memory that write still uses, which kills the whole process rather than failing the write.</summary>
public sealed class ParquetWriterDisposalTests
{
    private static readonly ColumnSchema[] Columns = [new("id", ColumnType.Integer)];

    [Fact]
    public async Task Disposal_waits_for_the_write_in_progress_which_completes_whole()
    {
        using var dir = new TempDir("parquet-dispose");
        var writer = new ParquetWriter(dir.Combine("tmp"));
        var halfway = new SemaphoreSlim(0);
        var resume = new ManualResetEventSlim();
        var local = dir.Combine("out.parquet");
        var writing = Task.Run(() => writer.WriteLocalAsync(local, Columns, Rows(halfway, resume), CancellationToken.None));
        Assert.True(await halfway.WaitAsync(TimeSpan.FromSeconds(30)), "the write did not start");

        var disposing = Task.Run(writer.Dispose);
        try
        {
            Assert.NotSame(disposing, await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromMilliseconds(500))));
        }
        finally
        {
            resume.Set();
        }
        Assert.Equal(2000, await writing.WaitAsync(TimeSpan.FromSeconds(30)));
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(2000L, CountRows(local));
    }

    [Fact]
    public async Task A_write_after_disposal_is_refused()
    {
        using var dir = new TempDir("parquet-disposed");
        var writer = new ParquetWriter(dir.Combine("tmp"));
        writer.Dispose();
        writer.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteLocalAsync(dir.Combine("out.parquet"), Columns, [[1L]], CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.MergeLocalAsync([dir.Combine("in.parquet")], dir.Combine("out.parquet"), CancellationToken.None));
    }

    private static IEnumerable<object?[]> Rows(SemaphoreSlim halfway, ManualResetEventSlim resume)
    {
        for (long i = 0; i < 2000; i++)
        {
            if (i == 1000)
            {
                halfway.Release();
                resume.Wait(TimeSpan.FromSeconds(60));
            }
            yield return [i];
        }
    }

    private static long CountRows(string path)
    {
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var cmd = duck.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM read_parquet('{path}')";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
