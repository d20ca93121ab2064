using System.Globalization;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Warehouse;

namespace Emporium.Ingest;

/// <summary>Reads the <c>dead_letters</c> table, the same SQL on DuckDB and PostgreSQL. Rows appear once the stream
/// processor has committed them (normally well under a second after the ingest answer; they are durable in the log
/// before it).</summary>
public sealed class DeadLetterQuery(IWarehouse warehouse)
{
    /// <summary>The columns <see cref="FromRow"/> expects, in order.</summary>
    public const string Columns = "request_id, dataset, record_index, errors, raw, source, received_at";

    private static readonly string Table = "\"" + DatasetCatalog.DeadLetters.Name + "\"";

    /// <summary>Most recent first (by receive time, then position in the request, last first), optionally of one
    /// dataset (case-insensitive), skipping the <paramref name="offset"/> most recent: the pages of a table far larger
    /// than one answer. The order is total, so consecutive pages neither repeat nor skip a row (as long as no newer
    /// dead letter arrived in between, which shifts them by that many).</summary>
    public async Task<IReadOnlyList<DeadLetter>> LatestAsync(string? dataset, int limit, long offset, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var sql = string.Create(CultureInfo.InvariantCulture,
            $"SELECT {Columns} FROM {Table}{Where(dataset)} ORDER BY received_at DESC, request_id DESC, record_index DESC LIMIT {limit} OFFSET {offset}");
        var result = await warehouse.QueryAsync(sql, ct).ConfigureAwait(false);
        return result.Rows.Select(FromRow).ToList();
    }

    /// <summary>Dead letters stored, optionally of one dataset.</summary>
    public async Task<long> CountAsync(string? dataset, CancellationToken ct)
    {
        var result = await warehouse.QueryAsync($"SELECT count(*) FROM {Table}{Where(dataset)}", ct).ConfigureAwait(false);
        return WarehouseValues.Long(result.Rows[0][0]);
    }

    private static string Where(string? dataset) =>
        dataset is null ? "" : $" WHERE lower(dataset) = {SqlLiteral.Text(dataset.ToLowerInvariant())}";

    /// <summary>Reads back a row selected as <see cref="Columns"/>.</summary>
    private static DeadLetter FromRow(object?[] row) => new(
        (string)row[0]!,
        (string)row[1]!,
        (int)WarehouseValues.Long(row[2]),
        row[5] as string ?? "",
        new DateTimeOffset(WarehouseValues.Utc(row[6])),
        row[3] is string errors ? JsonSerializer.Deserialize<List<FieldError>>(errors, DeadLetter.Json) ?? [] : [],
        row[4] as string ?? "");
}
