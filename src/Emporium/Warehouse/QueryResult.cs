namespace Emporium.Warehouse;

/// <summary>A tabular result in the shape every API returns: <c>{"columns":[{"name","type"}],"rows":[[...]]}</c>.</summary>
public sealed record QueryResult(IReadOnlyList<QueryColumn> Columns, IReadOnlyList<object?[]> Rows, bool Truncated = false);

/// <summary>A result column; <paramref name="Type"/> is the warehouse's type name, lower-cased (e.g. "bigint", "double", "varchar").</summary>
public sealed record QueryColumn(string Name, string Type);
