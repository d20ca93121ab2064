namespace Emporium.Configuration;

/// <summary>Names in a data dir that other parts than the host need to recognise one.</summary>
public static class DataDirFiles
{
    /// <summary>The single-owner lock file every data dir holds once a process has opened it: the mark of a data dir.</summary>
    public const string Lock = "emporium.lock";
}
