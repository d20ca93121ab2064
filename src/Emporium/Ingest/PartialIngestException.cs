namespace Emporium.Ingest;

/// <summary>A request failed after some of its records (valid ones or dead letters) became durable in the log.
/// <see cref="DurableRecords"/> are their indexes in the request; the inner exception is why the rest failed.</summary>
public sealed class PartialIngestException(IReadOnlyCollection<int> durableRecords, Exception inner)
    : IOException($"{durableRecords.Count} record(s) of the request were appended before the log failed: {inner.Message}", inner)
{
    public IReadOnlyCollection<int> DurableRecords { get; } = durableRecords;
}
