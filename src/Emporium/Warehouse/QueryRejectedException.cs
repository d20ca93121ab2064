namespace Emporium.Warehouse;

/// <summary>A user query was refused (a write, file or network access) or failed; the message is safe to show.</summary>
public sealed class QueryRejectedException(string message, Exception? inner = null, bool refused = false, bool timedOut = false) : Exception(message, inner)
{
    /// <summary>True when the query was refused before it ran (empty, or not a single read-only statement); false when
    /// the database failed it (a wrong column, a type error, the time limit), so the caller can say which.</summary>
    public bool Refused { get; } = refused;

    /// <summary>True when the warehouse cancelled the query at its time limit (<c>QueryTimeout</c>).</summary>
    public bool TimedOut { get; } = timedOut;

    /// <summary>A query the warehouse cancelled at its time limit, worded the same on every backend.</summary>
    public static QueryRejectedException TimeLimit(TimeSpan limit, Exception? inner = null) =>
        new($"query cancelled after the {limit.TotalSeconds:0.#} s time limit", inner, timedOut: true);

    /// <summary>A query refused before it ran, for <paramref name="reason"/>.</summary>
    public static QueryRejectedException Refusal(string reason) => new($"query refused: {reason}", refused: true);

    /// <summary>The refusal every warehouse gives before its own checks, or null: an empty query, or one holding a NUL
    /// character, which ends a statement's text for both engines (a C string), so what ran was not what was checked,
    /// and a failure of the driver's own was a 500.</summary>
    public static QueryRejectedException? Precheck(string? sql) =>
        string.IsNullOrWhiteSpace(sql) ? Refusal("the query is empty")
        : sql.Contains('\0', StringComparison.Ordinal) ? Refusal("the query holds a NUL character (U+0000), which SQL text cannot")
        : null;
}
