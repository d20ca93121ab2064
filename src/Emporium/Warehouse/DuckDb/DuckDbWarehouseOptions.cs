namespace Emporium.Warehouse.DuckDb;

/// <summary>Settings of the embedded DuckDB warehouse.</summary>
public sealed record DuckDbWarehouseOptions
{
    /// <summary>Database file. Created when missing.</summary>
    public required string Path { get; init; }

    /// <summary>Longest a user query may run before it is interrupted. Default 30 s.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Row cap for user queries when the caller passes no positive limit. Default 10 000.</summary>
    public int DefaultMaxRows { get; init; } = 10_000;
}
