using System.Text.Json;
using Sylvan.Data.Csv;

namespace Emporium.Tests.Datasets;

/// <summary>Reads the real sample files the way the ingest paths see them: CSV rows as header → text dictionaries,
/// JSON lines as elements.</summary>
internal static class SampleRows
{
    public static List<Dictionary<string, string?>> Csv(string path)
    {
        using var reader = CsvDataReader.Create(path);
        var rows = new List<Dictionary<string, string?>>();
        while (reader.Read())
        {
            var row = new Dictionary<string, string?>(reader.FieldCount, StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.GetString(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    public static List<JsonElement> JsonLines(string path) =>
        File.ReadLines(path)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
}
