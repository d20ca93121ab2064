namespace Emporium.Ingest;

/// <summary>Durable store of rejected records.</summary>
public interface IDeadLetterStore
{
    /// <summary>Stores the letters and returns once they are on disk.</summary>
    ValueTask AddAsync(IReadOnlyList<DeadLetter> letters, CancellationToken ct);

    /// <summary>Most recent letters first, optionally of one dataset.</summary>
    IAsyncEnumerable<DeadLetter> ReadLatestAsync(string? dataset, int limit, CancellationToken ct);

    /// <summary>Letters stored since start-up plus those found on disk at start-up.</summary>
    long Count { get; }
}
