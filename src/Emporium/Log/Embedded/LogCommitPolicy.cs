namespace Emporium.Log.Embedded;

/// <summary>Decides how a partition writer groups queued appends into one write + fsync. Every append is still
/// fsync'd before it is acknowledged; the policy only trades latency for fewer, larger commits.</summary>
public abstract class LogCommitPolicy
{
    /// <summary>Stop gathering queued appends once the batch holds this many bytes.</summary>
    public abstract long MaxBatchBytes { get; }

    /// <summary>Called with the batch gathered so far when the queue is empty: how much longer to wait for more
    /// appends before committing. <see cref="TimeSpan.Zero"/> commits now.</summary>
    public abstract TimeSpan Linger(int appends, long bytes, TimeSpan waitedSoFar);

    /// <summary>The default: commit whatever is queued as soon as the writer is free (appends arriving during an
    /// fsync share the next one).</summary>
    public static LogCommitPolicy Default { get; } = new GroupCommitPolicy(new GroupCommitOptions());
}

/// <summary>Gathers up to <see cref="GroupCommitOptions.MaxBatchBytes"/>, optionally waiting up to
/// <see cref="GroupCommitOptions.MaxDelay"/> for a batch to reach <see cref="GroupCommitOptions.MinBatchBytes"/>.</summary>
public sealed class GroupCommitPolicy(GroupCommitOptions options) : LogCommitPolicy
{
    private readonly GroupCommitOptions _options = Validate(options);

    public override long MaxBatchBytes => _options.MaxBatchBytes;

    public override TimeSpan Linger(int appends, long bytes, TimeSpan waitedSoFar)
    {
        if (bytes >= _options.MinBatchBytes || waitedSoFar >= _options.MaxDelay)
        {
            return TimeSpan.Zero;
        }

        return _options.MaxDelay - waitedSoFar;
    }

    private static GroupCommitOptions Validate(GroupCommitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxBatchBytes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxBatchBytes, "MaxBatchBytes must be positive.");
        }

        if (options.MaxDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxDelay, "MaxDelay must not be negative.");
        }

        return options;
    }
}
