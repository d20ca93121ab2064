namespace Emporium.Sources.Postgres;

/// <summary>What one extraction wrote: the lake path of the CSV (with header) and its data rows.</summary>
public sealed record PostgresExtract(string Path, long Rows);
