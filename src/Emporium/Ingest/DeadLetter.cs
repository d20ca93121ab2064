using Emporium.Datasets;

namespace Emporium.Ingest;

/// <summary>A rejected input record kept with its reasons: nothing a client sent is silently dropped.</summary>
/// <param name="Dataset">Target dataset (or the unknown name that was asked for).</param>
/// <param name="Index">Position of the record in its request.</param>
/// <param name="Source">Where it came from, e.g. "http:/api/v1/ingest/orders".</param>
/// <param name="ReceivedAt">When it was rejected (UTC).</param>
/// <param name="Errors">Field and reason per problem.</param>
/// <param name="Raw">The original record text (cut to a few KiB).</param>
public sealed record DeadLetter(string Dataset, int Index, string Source, DateTimeOffset ReceivedAt, IReadOnlyList<FieldError> Errors, string Raw);
