using System.Text;
using Emporium.Batch.Formats;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Formats;

public sealed class JsonStreamingTests
{
    [Fact]
    public async Task ALargePrettyPrintedArrayStreamsWithLineNumbers()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("orders.json");
        var text = new StringBuilder("{\n  \"meta\": {\"skip\": [1, {\"x\": [2]}]},\n  \"result\": {\n    \"rows\": [\n");
        const int count = 20_000;
        for (var i = 0; i < count; i++)
        {
            // Each record spans 4 lines; one long string makes some records larger than the first window.
            text.Append("      {\n        \"id\": ").Append(i).Append(",\n        \"note\": \"").Append(i % 5000 == 0 ? new string('x', 100_000) : "n")
                .Append("\"\n      }").Append(i < count - 1 ? ",\n" : "\n");
        }
        text.Append("    ]\n  },\n  \"trailer\": true\n}\n");
        File.WriteAllText(path, text.ToString());

        var outcome = await ReadAllAsync(path, new ReadSettings(JsonPath: "$.result.rows[*]"));

        Assert.Equal(count, outcome.Rows.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => i.ToString()), outcome.Rows.Select(r => r.Text("id")));
        Assert.Equal(Enumerable.Range(0, count).Select(i => 5L + 4L * i), outcome.Rows.Select(r => r.Position.Line));
    }

    [Fact]
    public async Task WrongPathAndTruncatedDocumentAreClearErrors()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("cut.json");
        File.WriteAllText(path, "[{\"id\":1},{\"id\":2},{\"id\":");

        var rows = new List<SourceRow>();
        var probe = await FileProbe.RunAsync(path, default);
        var e = await Assert.ThrowsAsync<FileReadException>(async () =>
        {
            await foreach (var row in new JsonFormatReader().ReadAsync(new FormatInput(path, probe, ReadSettings.Default), default))
            {
                rows.Add(row);
            }
        });
        Assert.Equal(2, rows.Count);
        Assert.Contains("cut short: it ends in the middle of a record at line 1 (byte 20 of the file)", e.Message);

        var missing = await Assert.ThrowsAsync<FileReadException>(() => ReadAllAsync(SampleData.SellerSearchResponse, new ReadSettings(JsonPath: "data.items")));
        Assert.Contains("data.items", missing.Message);
    }

    /// <summary>A result page whose head breaks the JSON syntax before its records array was answered with "no array of
    /// objects found …; pass the records' path (e.g. --json-path data.products)": the document is malformed, and giving
    /// the path only moved the error. It names the line where the JSON breaks.</summary>
    [Fact]
    public async Task A_document_malformed_before_its_records_names_the_line_not_the_json_path_option()
    {
        using var dir = new TempDir("batch");
        var lines = File.ReadAllLines(SampleData.SellerSearchResponse);
        var broken = Array.FindIndex(lines, l => l.Contains("\"total_products\"", StringComparison.Ordinal));
        lines[broken] += ",";
        var path = dir.Combine("page.json");
        File.WriteAllText(path, string.Join('\n', lines) + "\n");

        var e = await Assert.ThrowsAsync<FileReadException>(() => ReadAllAsync(path));

        Assert.StartsWith($"invalid JSON at line {broken + 1}: ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("json-path", e.Message, StringComparison.Ordinal);
        // The intact page still reads its products through the path found in its head.
        Assert.Equal(File.ReadLines(SampleData.SellerSearchResponse).Count(l => l.TrimStart().StartsWith("\"asin\"", StringComparison.Ordinal)),
            (await ReadAllAsync(SampleData.SellerSearchResponse)).Rows.Count);
    }
}
