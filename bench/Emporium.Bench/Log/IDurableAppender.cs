using Emporium.Log;

namespace Emporium.Bench.Log;

/// <summary>A log under test: appends a batch and returns once it is durable.</summary>
internal interface IDurableAppender : IAsyncDisposable
{
    string Name { get; }

    /// <summary>fsyncs (or commits) so far, when the engine reports them; null otherwise.</summary>
    long? Syncs { get; }

    ValueTask AppendAsync(IReadOnlyList<LogMessage> batch, CancellationToken ct);
}
