namespace Emporium.Diagnostics;

/// <summary>Recognises "no space left on device" (ENOSPC) however deep it is wrapped.</summary>
public static class DiskFull
{
    private const int Enospc = 28;

    public static bool Is(Exception? e) => Find(e) is not null;

    /// <summary>The innermost words of the failure that met the full disk: they name the file it could not write.</summary>
    public static string? Describe(Exception? e) => Find(e)?.Message;

    private static Exception? Find(Exception? e)
    {
        Exception? found = null;
        for (; e is not null; e = e.InnerException)
        {
            // DuckDB says it only in its message ("Could not write file …: No space left on device"), as a
            // DuckDBException that is no IOException.
            if (e is IOException { HResult: Enospc or unchecked((int)0x80070070) } ||
                e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase))
            {
                found = e;
            }
        }
        return found;
    }
}
