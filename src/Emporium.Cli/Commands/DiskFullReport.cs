using Emporium.Diagnostics;

namespace Emporium.Cli.Commands;

/// <summary>One line for a command that met a full disk: what it was doing, that the device has no space left, and the
/// disk's own words, which name the file. A stack trace would only bury those, and nothing in it is a bug.</summary>
internal static class DiskFullReport
{
    /// <param name="command">What prefixes the line, e.g. <c>emporium load</c>.</param>
    public static string? Line(string command, Exception e)
    {
        if (DiskFull.Describe(e) is not { } cause)
        {
            return null;
        }
        var what = ReferenceEquals(Innermost(e), e) || e.Message == cause ? "no space left on device" : e.Message;
        return $"{command}: {what} ({OneLine(cause)})";
    }

    /// <summary>Wraps a full disk met while opening a data dir so the line says so; anything else is left as it is.</summary>
    public static Exception OpeningDataDir(string dataDir, Exception e) =>
        DiskFull.Is(e) ? new IOException($"cannot open data dir {dataDir}: no space left on device", e) : e;

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
