namespace Emporium.Log;

/// <summary>An append failed after part of it became durable: the messages at <see cref="Durable"/> (positions in the
/// call's list) are in the log, the others are not. The call is still not acknowledged; the caller can use the list
/// so that a retry appends only the rest.</summary>
public sealed class PartialAppendException(string message, IReadOnlyList<int> durable, Exception inner) : IOException(message, inner)
{
    public IReadOnlyList<int> Durable { get; } = durable;
}
