namespace Emporium.Datasets;

/// <summary>One canonical column of a dataset.</summary>
/// <param name="Name">Canonical snake_case name, as stored in the warehouse.</param>
/// <param name="Type">Logical type.</param>
/// <param name="Required">When true a record without a value is rejected.</param>
/// <param name="Aliases">Other input names accepted for this column (matched case-insensitively, after
/// removing '_', '.', '-' and spaces), e.g. <c>imgUrl</c> for <c>img_url</c> or <c>reviews.rating</c> for <c>rating</c>.</param>
public sealed record ColumnSchema(string Name, ColumnType Type, bool Required = false, params string[] Aliases);
