namespace Emporium.Ingest;

/// <summary>Outcome of one ingest request: how many records are durable in the log and why the others were rejected.</summary>
public sealed record IngestResult(string Dataset, int Accepted, int Rejected, IReadOnlyList<IngestError> Errors);
