namespace Emporium.Datasets;

/// <summary>A validated, typed record of one dataset. Values are aligned with <see cref="DatasetSchema.Columns"/>:
/// Text → string, Integer → long, Double → double, Boolean → bool, Timestamp → DateTime (UTC); null when absent.</summary>
public sealed class CanonicalRecord
{
    public CanonicalRecord(DatasetSchema schema, object?[] values)
    {
        if (values.Length != schema.Columns.Count)
        {
            throw new ArgumentException($"expected {schema.Columns.Count} values for {schema.Name}, got {values.Length}", nameof(values));
        }
        Schema = schema;
        Values = values;
    }

    public DatasetSchema Schema { get; }

    public object?[] Values { get; }

    public object? this[string column] => Values[Schema.IndexOf(column) is var i and >= 0 ? i : throw new KeyNotFoundException(column)];

    /// <summary>The natural key joined with U+001F, or null for append-only datasets. Used to pick the log partition.</summary>
    public string? Key => Schema.Key.Count == 0
        ? null
        : string.Join('\u001f', Schema.Key.Select(k => Convert.ToString(this[k], System.Globalization.CultureInfo.InvariantCulture)));
}
