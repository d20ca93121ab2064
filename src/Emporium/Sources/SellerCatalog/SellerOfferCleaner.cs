using System.Text.Json;
using Emporium.Datasets;
using Emporium.Datasets.Values;

namespace Emporium.Sources.SellerCatalog;

/// <summary>Turns raw catalog pages into typed <c>seller_offers</c> rows. A field the API did not send (older API
/// versions lack <c>delivery</c> and <c>has_variations</c>) becomes null with one warning per page — the seed's Lambda
/// answered 400 for the whole file instead. A value that cannot be read (a price of "N/A") is null with a warning
/// naming the ASIN and field. A product without an ASIN is skipped with a warning; an ASIN seen on an earlier page
/// is kept once (the first, as the API ranks pages).</summary>
public static class SellerOfferCleaner
{
    private static readonly DatasetSchema Schema = SeedDatasets.SellerOffers;

    /// <summary>API fields read for each product (every schema column except the seller and the snapshot day).</summary>
    public static IReadOnlyList<string> ApiFields { get; } =
        Schema.Columns.Select(c => c.Name).Where(n => n is not ("seller_id" or "snapshot_date")).ToList();

    /// <summary>Fields older API versions do not send; their absence is expected and only noted once.</summary>
    public static IReadOnlySet<string> OptionalFields { get; } = new HashSet<string>(StringComparer.Ordinal) { "delivery", "has_variations" };

    public static SellerOfferCleanResult Clean(string sellerId, DateOnly ds, IEnumerable<(int Page, byte[] Body)> pages)
    {
        var snapshot = ds.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var rows = new List<CanonicalRecord>();
        var warnings = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var duplicates = 0;
        foreach (var (page, body) in pages)
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("data", out var data)
                || !data.TryGetProperty("products", out var products) || products.ValueKind != JsonValueKind.Array)
            {
                warnings.Add($"page {page}: no data.products array; page skipped");
                continue;
            }
            var missing = new SortedSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var product in products.EnumerateArray())
            {
                index++;
                var asin = product.TryGetProperty("asin", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()!.Trim() : "";
                if (asin.Length == 0)
                {
                    warnings.Add($"page {page} product {index}: no asin; skipped");
                    continue;
                }
                if (!seen.Add(asin))
                {
                    duplicates++;
                    continue;
                }
                var values = new object?[Schema.Columns.Count];
                values[Schema.IndexOf("seller_id")] = sellerId;
                values[Schema.IndexOf("snapshot_date")] = snapshot;
                foreach (var field in ApiFields)
                {
                    var column = Schema.Columns[Schema.IndexOf(field)];
                    if (!product.TryGetProperty(field, out var element))
                    {
                        missing.Add(field);
                        continue;
                    }
                    values[Schema.IndexOf(field)] = Read(column, element, out var problem);
                    if (problem is not null)
                    {
                        warnings.Add($"page {page} asin {asin}: {field} {problem}; stored as null");
                    }
                }
                rows.Add(new CanonicalRecord(Schema, values));
            }
            if (missing.Count > 0)
            {
                warnings.Add($"page {page}: missing columns {string.Join(", ", missing)} (stored as null)");
            }
        }
        if (duplicates > 0)
        {
            warnings.Add($"{duplicates} duplicate ASIN(s) across pages kept once");
        }
        return new SellerOfferCleanResult(rows, warnings, duplicates);
    }

    private static object? Read(ColumnSchema column, JsonElement element, out string? problem)
    {
        // The shared value rules: "$1,234.50" → 1234.5, "1K+ bought in past month" → 1000, "N/A" → null.
        var converted = ValueConverter.Convert(column, element);
        problem = converted.Error;
        return converted.Value;
    }
}

/// <summary>Clean rows of one snapshot, the warnings met on the way, and how many repeated ASINs were dropped.</summary>
public sealed record SellerOfferCleanResult(IReadOnlyList<CanonicalRecord> Rows, IReadOnlyList<string> Warnings, int Duplicates);
