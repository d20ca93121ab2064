namespace Emporium.Warehouse;

/// <summary>A tabular result in the shape every API returns: <c>{"columns":[{"name","type"}],"rows":[[...]]}</c>.</summary>
public sealed record QueryResult(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated = false)
{
    /// <summary>The first <paramref name="max"/> rows (all when null), <see cref="Truncated"/> when there were more: for
    /// a result read with one row past the limit, so that the caller learns that rows were left out.</summary>
    public QueryResult Cut(int? max) =>
        max is { } n && Rows.Count > n ? this with { Rows = Rows.Take(n).ToList(), Truncated = true } : this;
}

/// <summary>A result column; <paramref name="Type"/> is the warehouse's type name, lower-cased (e.g. "bigint", "double", "varchar").</summary>
public sealed record QueryColumn(string Name, string Type);
