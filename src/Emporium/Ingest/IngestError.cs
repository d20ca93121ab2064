namespace Emporium.Ingest;

/// <summary>Why the record at <paramref name="Index"/> of a request was rejected.</summary>
public sealed record IngestError(int Index, string Field, string Error);
