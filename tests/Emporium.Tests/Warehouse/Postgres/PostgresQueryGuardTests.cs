using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Warehouse.Postgres;

/// <summary>The guard reads whatever a user sends, up to the request size limit (megabytes): its work must grow with
/// the text. It read what follows each semicolon by recursing on a copy of the rest, so a body of semicolons took
/// stack per semicolon and memory by the square of their count, and the process died (stack overflow or out of
/// memory) with no error for anyone to read.</summary>
public sealed class PostgresQueryGuardTests
{
    [Fact]
    public void Many_trailing_semicolons_are_dropped_in_memory_that_grows_with_the_text()
    {
        var sql = "SELECT 1" + new string(';', 20_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(PostgresQueryGuard.Check(sql, out var statement));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("SELECT 1", statement);
        // The text is 40 kB; a copy of the rest per semicolon allocated 400 MB.
        Assert.True(allocated < 2_000_000, $"{allocated} bytes allocated to check a {sql.Length}-character query");
    }

    [Fact]
    public void A_megabyte_of_semicolons_is_checked_without_ending_the_process()
    {
        Assert.Null(PostgresQueryGuard.Check("SELECT 1" + new string(';', 1_000_000), out var statement));
        Assert.Equal("SELECT 1", statement);
    }

    [Fact]
    public void A_second_statement_after_many_semicolons_is_refused()
    {
        Assert.Equal("exactly one statement is allowed", PostgresQueryGuard.Check("SELECT 1" + new string(';', 20_000) + " SELECT pg_sleep(1)", out _));
        Assert.Equal("exactly one statement is allowed", PostgresQueryGuard.Check("SELECT 1; ; SELECT 2;", out _));
    }

    [Fact]
    public void An_unterminated_comment_after_a_semicolon_is_still_refused()
    {
        Assert.Equal("unterminated comment", PostgresQueryGuard.Check("SELECT 1; /* open", out _));
    }
}
