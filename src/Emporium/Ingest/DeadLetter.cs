using System.Text.Json;
using Emporium.Datasets;

namespace Emporium.Ingest;

/// <summary>A rejected input record kept with its reasons: nothing a client sent is silently dropped. Stored as a row
/// of the <c>dead_letters</c> dataset (<see cref="DatasetCatalog.DeadLetters"/>), through the log like accepted
/// records.</summary>
/// <param name="RequestId">The request it came in (the Idempotency-Key's request id when the request had one).</param>
/// <param name="Dataset">Target dataset.</param>
/// <param name="Index">Position of the record in its request.</param>
/// <param name="Source">Where it came from, e.g. "http:/api/v1/ingest/orders".</param>
/// <param name="ReceivedAt">When it was rejected (UTC).</param>
/// <param name="Errors">Field and reason per problem.</param>
/// <param name="Raw">The original record text (cut to a few KiB).</param>
public sealed record DeadLetter(string RequestId, string Dataset, int Index, string Source, DateTimeOffset ReceivedAt, IReadOnlyList<FieldError> Errors, string Raw)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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

    /// <summary>The text with each NUL character (U+0000) as U+FFFD: PostgreSQL's text cannot hold a NUL, and a dead
    /// letter carrying one (a broken NDJSON line, a CSV field, the value quoted in a reason) failed every commit of
    /// its batch, stopping the stream behind it.</summary>
    private static string Printable(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;

    /// <summary>Reads back a row selected as <see cref="DeadLetterQuery.Columns"/>.</summary>
    public static DeadLetter FromRow(object?[] row) => new(
        (string)row[0]!,
        (string)row[1]!,
        (int)Warehouse.WarehouseValues.Long(row[2]),
        row[5] as string ?? "",
        new DateTimeOffset(Warehouse.WarehouseValues.Utc(row[6])),
        row[3] is string errors ? JsonSerializer.Deserialize<List<FieldError>>(errors, Json) ?? [] : [],
        row[4] as string ?? "");
}
