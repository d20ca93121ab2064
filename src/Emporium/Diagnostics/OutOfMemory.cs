using DuckDB.NET.Data;

namespace Emporium.Diagnostics;

/// <summary>Recognises DuckDB running out of its buffer pool (the warehouse's <c>memory_limit</c>) however deep it is
/// wrapped. DuckDB's own message lists SET statements a user of the server cannot run; the advice here names the
/// setting that bounds the pool instead.</summary>
public static class OutOfMemory
{
    /// <summary>What to do about it, as one clause.</summary>
    public const string Advice =
        "the warehouse's memory is bounded by the Warehouse setting's memory_limit (duckdb:PATH?memory_limit=2GB, default 512MB): raise it, or load or query less at once";

    public static bool Is(Exception? e) => Describe(e) is not null;

    /// <summary>DuckDB's first line ("could not allocate block of size 32.0 MiB (8.0 KiB/7.6 MiB used)"), without the
    /// "Possible solutions" that follow it.</summary>
    public static string? Describe(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is DuckDBException duck && (duck.ErrorType == DuckDB.NET.Native.DuckDBErrorType.OutOfMemory ||
                                              duck.Message.StartsWith("Out of Memory Error", StringComparison.Ordinal)))
            {
                var first = duck.Message.Split('\n', 2)[0].Trim();
                const string prefix = "Out of Memory Error:";
                return first.StartsWith(prefix, StringComparison.Ordinal) ? first[prefix.Length..].Trim() : first;
            }
        }
        return null;
    }
}
