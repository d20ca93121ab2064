namespace Emporium.Log.Embedded;

/// <summary>Messages for one partition waiting for the partition writer; completes with the first offset once
/// every message of it is fsync'd.</summary>
internal sealed class AppendRequest(IReadOnlyList<LogMessage> messages, long bytes)
{
    public IReadOnlyList<LogMessage> Messages { get; } = messages;

    /// <summary>Approximate framed size, for batch sizing.</summary>
    public long Bytes { get; } = bytes;

    public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
