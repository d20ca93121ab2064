namespace Emporium.Warehouse;

/// <summary>The warehouse refused a commit because of the rows themselves (a constraint, a value its types cannot
/// hold, a key over an index's size limit), not because it was unavailable: retrying the same rows fails the same
/// way. Nothing was written. The stream processor then finds the refused records and keeps them as dead letters, so
/// one record never stops the stream behind it.</summary>
/// <param name="reason">The warehouse's own message.</param>
/// <param name="column">The column it names, when it names one.</param>
/// <param name="inner">The warehouse's exception.</param>
public sealed class RowsRefusedException(string reason, string? column, Exception inner)
    : Exception($"the warehouse refused the rows: {reason}", inner)
{
    public string Reason { get; } = reason;

    public string? Column { get; } = column;
}
