namespace Emporium.Processing;

/// <summary>Failed batches in a row: how long to wait before the next try, doubling up to a cap. What is logged of
/// them is <see cref="Diagnostics.RecurringFailureLog"/>'s.</summary>
internal sealed class FailureStreak
{
    public int Count { get; private set; }

    /// <summary>Counts a failure and returns the pause before the next try: <paramref name="first"/>, then doubled per
    /// failure, never more than <paramref name="max"/> (unless that is below <paramref name="first"/>).</summary>
    public TimeSpan Next(TimeSpan first, TimeSpan max)
    {
        Count++;
        var cap = Math.Max(max.Ticks, first.Ticks);
        return TimeSpan.FromTicks((long)Math.Min(first.Ticks * Math.Pow(2, Count - 1), cap));
    }
}
