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

    /// <summary>The natural key joined with U+001F, or null for append-only datasets. Used to pick the log partition
    /// (once per ingested record, so the key columns' positions are looked up once per schema).</summary>
    public string? Key
    {
        get
        {
            var columns = KeyColumns.GetValue(Schema, static s => s.Key.Select(s.IndexOf).ToArray());
            return columns.Length switch
            {
                0 => null,
                1 => Text(Values[columns[0]]),
                _ => string.Join('\u001f', columns.Select(c => Text(Values[c]))),
            };
        }
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DatasetSchema, int[]> KeyColumns = new();

    private static string Text(object? value) => value as string ?? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
}
