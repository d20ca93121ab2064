using Emporium.Warehouse;

namespace Emporium.Marts;

/// <summary>Reads marts from whichever warehouse is configured; used by the HTTP API, the CLI and the dashboard.</summary>
public sealed class MartService(IWarehouse warehouse)
{
    /// <summary>Largest limit a caller may ask for.</summary>
    public const int MaxLimit = 100_000;

    public IReadOnlyList<MartDefinition> List() => MartCatalog.All;

    /// <summary>Rows of a mart in its presentation order. <paramref name="limit"/> overrides the mart's default
    /// (10 for the seed-003 order marts, every row for the others); <see cref="QueryResult.Truncated"/> says the
    /// mart has more rows than were returned.</summary>
    /// <exception cref="UnknownMartException">No mart has that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The limit is not between 1 and <see cref="MaxLimit"/>.</exception>
    public async Task<QueryResult> QueryAsync(string name, int? limit, CancellationToken ct)
    {
        var mart = MartCatalog.Find(name) ?? throw new UnknownMartException(name);
        if (limit is < 1 or > MaxLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be between 1 and {MaxLimit}");
        }
        var max = limit ?? mart.DefaultLimit;
        var result = (await warehouse.QueryTimedAsync(mart.ReadSql(warehouse.Dialect, max + 1), ct).ConfigureAwait(false)).Cut(max);
        // The declared column types are the contract; the warehouse's own type names differ between backends.
        return result with { Columns = mart.Columns.Select(c => new QueryColumn(c.Name, c.Type)).ToList() };
    }
}
