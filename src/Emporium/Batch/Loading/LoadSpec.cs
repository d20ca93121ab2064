using Emporium.Batch.Formats;
using Emporium.Datasets;

namespace Emporium.Batch.Loading;

/// <summary>A load as the CLI and <c>POST /api/v1/load</c> state it (names and strings), resolved into files and a
/// <see cref="BatchLoadRequest"/> in one place so both refuse bad input alike.</summary>
public sealed record LoadSpec(
    IReadOnlyList<string> Paths,
    string Dataset,
    string? Format = null,
    bool Strict = false,
    bool Force = false,
    string? JsonPath = null,
    IReadOnlyDictionary<string, string>? Set = null)
{
    /// <summary>Datasets a file can be loaded into: the canonical ones and the seed jobs' tables (seller_offers…), not the
    /// alert DAGs' own output: loaded rows of <c>alert_deliveries</c> would have their webhook URLs posted to, and
    /// <c>alerts</c> holds what the detection found, not input.</summary>
    public static IReadOnlyList<DatasetSchema> Loadable { get; } =
        [.. DatasetCatalog.All, .. Sources.SeedDatasets.All.Where(d => d != Sources.SeedDatasets.Alerts && d != Sources.SeedDatasets.AlertDeliveries)];

    public static DatasetSchema? Find(string name) =>
        Loadable.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A format name as the CLI and API take it (null or blank = auto); throws <see cref="LoadSpecException"/>
    /// for an unknown name.</summary>
    public static FileFormat ParseFormat(string? name)
    {
        var format = FileFormat.Auto;
        if (!string.IsNullOrWhiteSpace(name) && (!Enum.TryParse(name, ignoreCase: true, out format) || !Enum.IsDefined(format)))
        {
            throw new LoadSpecException($"unknown format '{name}' (auto, csv, tsv, json, ndjson, xlsx, parquet)", "format");
        }
        return format;
    }

    /// <param name="Roots">The folder each file was found under (<see cref="PathExpander.Expansion.Roots"/>).</param>
    public sealed record Resolved(IReadOnlyList<string> Files, BatchLoadRequest Request, IReadOnlyDictionary<string, string> Roots)
    {
        /// <summary>The request for one file: the <c>key=value</c> folders between its given folder and it fill the
        /// dataset's columns the file lacks (<see cref="HivePartitions"/>), under the explicit <c>--set</c> values.</summary>
        public BatchLoadRequest RequestFor(string file) =>
            HivePartitions.Constants(Request.Dataset, Roots.GetValueOrDefault(file), file, Request.Constants) is var constants && ReferenceEquals(constants, Request.Constants)
                ? Request
                : Request with { Constants = constants };
    }

    /// <summary>Resolves the spec or explains what is wrong (unknown dataset, format or <c>--set</c> column, paths
    /// matching nothing).</summary>
    public Resolved Resolve(Func<string, DatasetSchema?>? findDataset = null)
    {
        var schema = (findDataset ?? Find)(Dataset)
            ?? throw new LoadSpecException($"unknown dataset '{Dataset}' (known: {string.Join(", ", Loadable.Select(d => d.Name))})", "dataset");
        var format = ParseFormat(Format);
        // A misspelt --set column would otherwise be dropped like any column the dataset lacks, and the load would
        // succeed without the value the caller asked for.
        var matcher = FieldNameMatcher.For(schema);
        var unknown = (Set?.Keys ?? []).Where(name => !matcher.TryMatch(name, out _)).ToList();
        if (unknown.Count > 0)
        {
            // Worded for both callers: the CLI's --set and the API's "set".
            throw new LoadSpecException($"cannot set {string.Join(", ", unknown)}: no such column in dataset '{schema.Name}' (columns: {string.Join(", ", schema.Columns.Select(c => c.Name))})", "set");
        }
        if (Paths.Count == 0)
        {
            throw new LoadSpecException("no file, folder or glob given");
        }
        var expansion = PathExpander.Expand(Paths);
        if (expansion.Missing.Count > 0)
        {
            throw new LoadSpecException($"nothing found at {string.Join(", ", expansion.Missing)}");
        }
        return new Resolved(expansion.Files, new BatchLoadRequest(schema, new ReadSettings(format, JsonPath), Strict, Force, Set), expansion.Roots);
    }
}

/// <summary>A load request that cannot start; the message says why and <see cref="Field"/> names the request field at
/// fault (<c>paths</c>, <c>dataset</c>, <c>format</c>, <c>set</c>), so the API's error points at it.</summary>
public sealed class LoadSpecException(string message, string field = "paths") : Exception(message)
{
    public string Field { get; } = field;
}
