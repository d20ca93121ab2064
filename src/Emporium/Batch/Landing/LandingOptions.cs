namespace Emporium.Batch.Landing;

/// <summary>Settings of the landing-zone watcher.</summary>
public sealed record LandingOptions
{
    /// <summary>How often the landing folders are scanned. Default 2 s.</summary>
    public TimeSpan ScanInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a file's size and modification time must stay unchanged before it counts as complete.
    /// Default 2 s (so a file is loaded on the second scan that sees it unchanged).</summary>
    public TimeSpan StableFor { get; init; } = TimeSpan.FromSeconds(2);
}
