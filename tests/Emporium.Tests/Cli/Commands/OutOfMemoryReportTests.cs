using DuckDB.NET.Data;
using Emporium.Cli.Commands;
using Emporium.Datasets;
using Emporium.Diagnostics;
using Emporium.Tests.Batch;

namespace Emporium.Tests.Cli.Commands;

/// <summary>A standalone load bigger than the warehouse's memory_limit ended as "Unhandled exception: DuckDBException:
/// Out of Memory…" and a stack trace: it is one line naming what ran out, the setting and what to do.</summary>
public sealed class OutOfMemoryReportTests
{
    [Fact]
    public async Task A_load_past_the_memory_limit_is_one_line_naming_the_setting_and_commits_nothing()
    {
        await using var h = await BatchHarness.StartAsync(memoryLimit: "8MB");
        var path = h.Combine("products.csv");
        await using (var writer = new StreamWriter(path))
        {
            await writer.WriteAsync("asin,title,price,stars,observed_at\n");
            for (var k = 0; k < 300_000; k++)
            {
                await writer.WriteAsync($"B{k:D9},title {k} {new string('x', 100)},{k % 90 + 1}.50,4.5,2024-01-01 10:00:00\n");
            }
        }

        var e = await Assert.ThrowsAnyAsync<Exception>(() => h.LoadAsync(DatasetCatalog.Products, path));
        var line = OutOfMemoryReport.Line("emporium load", e);

        Assert.NotNull(line);
        Assert.StartsWith("emporium load: the warehouse ran out of memory (could not allocate", line);
        Assert.Contains("memory_limit", line);
        Assert.DoesNotContain('\n', line);
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM products"));
        Assert.Empty(await h.VisibleAsync("products", "clean"));
    }

    [Fact]
    public void Any_other_failure_is_not_reported_as_out_of_memory()
    {
        Assert.Null(OutOfMemoryReport.Line("emporium load", new InvalidOperationException("Out of Memory Error? no, a test")));
        Assert.Null(OutOfMemoryReport.Line("emporium load", new IOException("No space left on device")));
    }

    [Fact]
    public void DuckDBs_own_words_are_kept_to_their_first_line_however_deep_they_are_wrapped()
    {
        using var db = new DuckDBConnection("DataSource=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SET memory_limit = '4MB'; SELECT list(i) FROM range(20000000) t(i)";
        var duck = Assert.ThrowsAny<DuckDBException>(() => cmd.ExecuteNonQuery());

        var cause = OutOfMemory.Describe(new InvalidOperationException("load failed", duck));

        Assert.NotNull(cause);
        Assert.DoesNotContain('\n', cause);
        Assert.DoesNotContain("Out of Memory Error", cause);
    }

    /// <summary>A standalone <c>emporium query</c> printed DuckDB's "Out of Memory Error" as a mistake in the query.</summary>
    [Fact]
    public async Task A_query_past_the_memory_limit_names_the_setting_as_a_load_does()
    {
        await using var h = await BatchHarness.StartAsync(memoryLimit: "8MB");

        var e = await Assert.ThrowsAsync<Emporium.Warehouse.QueryRejectedException>(() =>
            h.Warehouse.QueryReadOnlyAsync("SELECT list(i) FROM range(20000000) t(i)", 10, CancellationToken.None));

        Assert.StartsWith("emporium query: the warehouse ran out of memory (", OutOfMemoryReport.Line("emporium query", e), StringComparison.Ordinal);
    }
}
