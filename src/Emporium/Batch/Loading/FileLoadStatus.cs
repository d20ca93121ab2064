namespace Emporium.Batch.Loading;

/// <summary>Outcome of one file.</summary>
public enum FileLoadStatus
{
    /// <summary>Read to the end; good rows loaded (bad rows, if any, quarantined).</summary>
    Loaded,
    /// <summary>The same content was loaded before; nothing done (use force to reload).</summary>
    Skipped,
    /// <summary>Strict mode and some rows were bad: nothing loaded, rejects quarantined.</summary>
    Rejected,
    /// <summary>The file could not be read at all, or not to the end (rows before the break are loaded).</summary>
    Failed,
}
