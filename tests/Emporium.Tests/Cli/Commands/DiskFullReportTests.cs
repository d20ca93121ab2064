using Emporium.Cli.Commands;
using Emporium.Diagnostics;

namespace Emporium.Tests.Cli.Commands;

public class DiskFullReportTests
{
    /// <summary>DuckDB says it only in its message, as an exception that is no IOException: a standalone load on a full
    /// disk died with its stack trace.</summary>
    [Fact]
    public void A_warehouse_commit_the_disk_refused_while_opening_the_data_dir_is_one_line_naming_the_file()
    {
        var duckDb = new InvalidOperationException("TransactionContext Error: Failed to commit: Could not write file \"/d/warehouse.duckdb.wal\": No space left on device");

        var line = DiskFullReport.Line("emporium load", DiskFullReport.OpeningDataDir("/d", duckDb));

        Assert.Equal("emporium load: cannot open data dir /d: no space left on device (TransactionContext Error: Failed to commit: Could not write file \"/d/warehouse.duckdb.wal\": No space left on device)", line);
        Assert.True(DiskFull.Is(duckDb));
    }

    [Fact]
    public void A_file_write_the_disk_refused_says_so_with_the_systems_words()
    {
        var io = new IOException("No space left on device : '/d/emporium.lock'", 28);

        Assert.Equal("emporium up: no space left on device (No space left on device : '/d/emporium.lock')", DiskFullReport.Line("emporium up", io));
    }

    [Fact]
    public void Any_other_failure_is_not_reported_as_a_full_disk_and_opening_leaves_it_as_it_is()
    {
        var other = new IOException("Permission denied : '/d/emporium.lock'");

        Assert.Null(DiskFullReport.Line("emporium load", other));
        Assert.Same(other, DiskFullReport.OpeningDataDir("/d", other));
    }
}
