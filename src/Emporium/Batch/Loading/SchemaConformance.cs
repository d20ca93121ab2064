using Emporium.Datasets;

namespace Emporium.Batch.Loading;

/// <summary>Checks a file's columns against a dataset before any row is loaded: a file lacking a required column
/// (or sharing no column at all with the dataset) conflicts with its schema and is refused as a whole; columns the
/// dataset does not have are reported, never dropped silently (they stay in the raw zone).</summary>
public static class SchemaConformance
{
    public sealed record Outcome(string? Conflict, IReadOnlyList<string> Unmapped);

    /// <summary>How a conflict over missing required columns starts, so a caller can add how to supply them.</summary>
    public const string MissingRequired = "missing required column";

    public static Outcome Check(DatasetSchema schema, IEnumerable<string> names, IEnumerable<string>? constants = null)
    {
        var matcher = FieldNameMatcher.For(schema);
        var matched = new HashSet<int>();
        var unmapped = new List<string>();
        foreach (var name in names.Concat(constants ?? []))
        {
            if (matcher.TryMatch(name, out var match))
            {
                matched.Add(match.Column);
            }
            else
            {
                unmapped.Add(name);
            }
        }
        if (matched.Count == 0)
        {
            return new($"no column matches dataset '{schema.Name}' (columns: {string.Join(", ", schema.Columns.Select(c => c.Name))})", unmapped);
        }
        var missing = schema.Columns.Select((c, i) => (c, i))
            .Where(x => x.c.Required && !matched.Contains(x.i) && !DerivedWhenMissing(schema, x.c))
            .Select(x => x.c.Name)
            .ToList();
        return missing.Count > 0
            ? new($"{MissingRequired}{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} of dataset '{schema.Name}'", unmapped)
            : new(null, unmapped);
    }

    /// <summary>Review ids are derived from content when a source has none, so their absence is not a conflict.</summary>
    private static bool DerivedWhenMissing(DatasetSchema schema, ColumnSchema column) =>
        schema.Name == DatasetCatalog.Reviews.Name && column.Name == "review_id";
}
