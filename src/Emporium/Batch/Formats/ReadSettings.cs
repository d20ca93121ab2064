namespace Emporium.Batch.Formats;

/// <summary>Per-load reading choices.</summary>
/// <param name="Format">Requested format; <see cref="FileFormat.Auto"/> (default) detects by content.</param>
/// <param name="JsonPath">Where the records sit inside a JSON document, e.g. <c>data.products</c> or
/// <c>$.data.products[*]</c>. Default null: a top-level array, else the first array of objects found.</param>
/// <param name="Dialect">Forces a CSV dialect instead of sniffing it. Default null (sniff).</param>
public sealed record ReadSettings(FileFormat Format = FileFormat.Auto, string? JsonPath = null, CsvDialect? Dialect = null)
{
    public static ReadSettings Default { get; } = new();
}
