using Emporium.Diagnostics;

namespace Emporium.Cli.Commands;

/// <summary>One line for a command whose warehouse ran out of memory (a load bigger than DuckDB's pool): what ran out,
/// the setting that bounds it and what to do. It ended as "Unhandled exception" and DuckDB's stack trace. The load's
/// transaction rolled back, so nothing of the file is in the warehouse and loading it again runs it again.</summary>
internal static class OutOfMemoryReport
{
    /// <param name="command">What prefixes the line, e.g. <c>emporium load</c>.</param>
    public static string? Line(string command, Exception e) =>
        OutOfMemory.Describe(e) is { } cause
            ? $"{command}: the warehouse ran out of memory ({cause}); nothing was committed; {OutOfMemory.Advice}"
            : null;
}
