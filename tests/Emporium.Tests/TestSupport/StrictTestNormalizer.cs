using System.Globalization;
using System.Text.Json;
using Emporium.Datasets;

namespace Emporium.Tests.TestSupport;

/// <summary>A deliberately small normalizer for HTTP-path tests that must not depend on the real one's rules:
/// canonical names only, JSON types must match the column type, required columns must be present.</summary>
public sealed class StrictTestNormalizer : IRecordNormalizer
{
    public NormalizeResult Normalize(DatasetSchema schema, JsonElement input)
    {
        var values = new object?[schema.Columns.Count];
        var errors = new List<FieldError>();
        for (var i = 0; i < values.Length; i++)
        {
            var column = schema.Columns[i];
            if (!input.TryGetProperty(column.Name, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                if (column.Required)
                {
                    errors.Add(new FieldError(column.Name, "required"));
                }
                continue;
            }
            object? value = (column.Type, v.ValueKind) switch
            {
                (ColumnType.Text, JsonValueKind.String) => v.GetString(),
                (ColumnType.Integer, JsonValueKind.Number) when v.TryGetInt64(out var l) => l,
                (ColumnType.Double, JsonValueKind.Number) => v.GetDouble(),
                (ColumnType.Boolean, JsonValueKind.True or JsonValueKind.False) => v.GetBoolean(),
                (ColumnType.Timestamp, JsonValueKind.String) when DateTime.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t) => t,
                _ => null,
            };
            if (value is null)
            {
                errors.Add(new FieldError(column.Name, $"expected {column.Type.ToString().ToLowerInvariant()}, got {v.ValueKind.ToString().ToLowerInvariant()}"));
            }
            values[i] = value;
        }
        return errors.Count > 0 ? NormalizeResult.Fail([.. errors]) : NormalizeResult.Ok(new CanonicalRecord(schema, values));
    }

    public NormalizeResult Normalize(DatasetSchema schema, IReadOnlyDictionary<string, string?> input) => throw new NotSupportedException();
}
