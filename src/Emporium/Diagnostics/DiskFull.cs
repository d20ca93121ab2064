namespace Emporium.Diagnostics;

/// <summary>Recognises "no space left on device" (ENOSPC) however deep it is wrapped.</summary>
public static class DiskFull
{
    private const int Enospc = 28;

    public static bool Is(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is IOException io && (io.HResult == Enospc || io.HResult == unchecked((int)0x80070070) ||
                                        io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }
        return false;
    }
}
