namespace Emporium.Datasets;

/// <summary>One canonical column of a dataset.</summary>
/// <param name="Name">Canonical snake_case name, as stored in the warehouse.</param>
/// <param name="Type">Logical type.</param>
/// <param name="Required">When true a record without a value is rejected.</param>
/// <param name="Aliases">Other input names accepted for this column (matched case-insensitively, after
/// removing '_', '.', '-' and spaces), e.g. <c>imgUrl</c> for <c>img_url</c> or <c>reviews.rating</c> for <c>rating</c>.
/// When a record carries several of them, the canonical name wins, then the aliases in the order listed.</param>
public sealed record ColumnSchema(string Name, ColumnType Type, bool Required = false, params string[] Aliases)
{
    /// <summary>Smallest accepted value of a numeric column (inclusive); null = unbounded.</summary>
    public double? Min { get; init; }

    /// <summary>Largest accepted value of a numeric column (inclusive); null = unbounded.</summary>
    public double? Max { get; init; }

    /// <summary>How a text column is cleaned. Default <see cref="TextStyle.Trim"/>.</summary>
    public TextStyle Text { get; init; } = TextStyle.Trim;

    /// <summary>How a timestamp written with slashes (<c>12/1/2010 8:26</c>) is read: slash dates are ambiguous, so
    /// each column says which convention its sources use. Default <see cref="SlashDateOrder.MonthFirst"/>.</summary>
    public SlashDateOrder SlashDates { get; init; } = SlashDateOrder.MonthFirst;

    /// <summary>When true a numeric 0 means "no value" in the sources and is stored as null.</summary>
    public bool ZeroMeansMissing { get; init; }

    /// <summary>Most bytes of UTF-8 a text value may have (<see cref="DatasetSchema.MaxPartitionValueBytes"/> for a
    /// column that names a lake folder); null = no limit but the key's (<see cref="DatasetSchema.MaxKeyBytes"/>).</summary>
    public int? MaxBytes { get; init; }

    /// <summary>Extra textual shapes an Integer column accepts. Default <see cref="NumberFormat.Plain"/>.</summary>
    public NumberFormat Format { get; init; } = NumberFormat.Plain;
}
