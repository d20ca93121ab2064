namespace Emporium.Marts;

/// <summary>A mart column as published by the API: name and lower-case type ("bigint", "double", "varchar", "date").</summary>
public sealed record MartColumn(string Name, string Type);
