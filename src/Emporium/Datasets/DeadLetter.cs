using System.Text.Json;

namespace Emporium.Datasets;

/// <summary>A rejected input record kept with its reasons: nothing a client sent is silently dropped. Stored as a row
/// of the <c>dead_letters</c> dataset (<see cref="DatasetCatalog.DeadLetters"/>): through the log like accepted records
/// when ingest rejects it, straight into the warehouse with the log position it leaves when the warehouse refuses a
/// record ingest accepted.</summary>
/// <param name="RequestId">The request it came in (the Idempotency-Key's request id when the request had one).</param>
/// <param name="Dataset">Target dataset.</param>
/// <param name="Index">Position of the record in its request.</param>
/// <param name="Source">Where it came from, e.g. "http:/api/v1/ingest/orders", or "log:products/3@1234" for a record
/// the warehouse refused.</param>
/// <param name="ReceivedAt">When it was rejected (UTC).</param>
/// <param name="Errors">Field and reason per problem.</param>
/// <param name="Raw">The original record text (its first <see cref="MaxRawChars"/> characters: <see cref="Cut"/>).</param>
public sealed record DeadLetter(string RequestId, string Dataset, int Index, string Source, DateTimeOffset ReceivedAt, IReadOnlyList<FieldError> Errors, string Raw)
{
    /// <summary>Dead letters keep at most this many characters of the original record.</summary>
    public const int MaxRawChars = 8192;

    /// <summary>How <c>errors</c> is written (and read back).</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The row of <see cref="DatasetCatalog.DeadLetters"/>: the first error in <c>field</c>/<c>error</c>
    /// (what most queries group by), all of them as a JSON array in <c>errors</c>.</summary>
    public CanonicalRecord ToRecord()
    {
        var errors = Errors.Select(e => new FieldError(Printable(e.Field), Printable(e.Error))).ToList();
        var first = errors.Count > 0 ? errors[0] : new FieldError("", "rejected");
        return new CanonicalRecord(DatasetCatalog.DeadLetters,
        [
            RequestId, Dataset, (long)Index, first.Field.Length == 0 ? null : first.Field, first.Error,
            JsonSerializer.Serialize(errors, Json), Printable(Raw), Source, ReceivedAt.UtcDateTime,
        ]);
    }

    /// <summary>The original text as a dead letter keeps it.</summary>
    public static string Cut(string raw) => raw.Length <= MaxRawChars ? raw : raw[..MaxRawChars];

    /// <summary>The text with each NUL character (U+0000) as U+FFFD: PostgreSQL's text cannot hold a NUL, and a dead
    /// letter carrying one (a broken NDJSON line, a CSV field, the value quoted in a reason) failed every commit of
    /// its batch, stopping the stream behind it.</summary>
    private static string Printable(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;
}
