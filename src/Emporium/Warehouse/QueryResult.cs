namespace Emporium.Warehouse;

/// <summary>A tabular result in the shape every API returns: <c>{"columns":[{"name","type"}],"rows":[[...]]}</c>.
/// <paramref name="TruncatedBy"/> names the limit that cut a truncated result (<see cref="ByRows"/> or
/// <see cref="ByBytes"/>), null when it is whole.</summary>
public sealed record QueryResult(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated = false, string? TruncatedBy = null)
{
    /// <summary>The row cap (a query's <c>maxRows</c>, a mart's limit) cut the result.</summary>
    public const string ByRows = "maxRows";

    /// <summary>The warehouse's <c>MaxResultBytes</c> cut the result: its rows would have been more JSON than that.</summary>
    public const string ByBytes = "maxResultBytes";

    /// <summary>The first <paramref name="max"/> rows (all when null), <see cref="Truncated"/> when there were more: for
    /// a result read with one row past the limit, so that the caller learns that rows were left out.</summary>
    public QueryResult Cut(int? max) =>
        max is { } n && Rows.Count > n ? this with { Rows = Rows.Take(n).ToList(), Truncated = true, TruncatedBy = ByRows } : this;
}

/// <summary>A result column; <paramref name="Type"/> is the warehouse's type name, lower-cased (e.g. "bigint", "double", "varchar").</summary>
public sealed record QueryColumn(string Name, string Type);
