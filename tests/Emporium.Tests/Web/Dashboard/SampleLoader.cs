using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.VisualBasic.FileIO;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>Sends the real sample files through the ingest API the way a client would: CSV rows as JSON objects with
/// the file's own header names, JSON-lines files as they are, in NDJSON batches.</summary>
public static class SampleLoader
{
    private const int Batch = 2000;

    public static async Task SendCsvAsync(HttpClient http, string dataset, string path, CancellationToken ct = default)
    {
        using var parser = new TextFieldParser(path, Encoding.UTF8) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
        parser.SetDelimiters(",");
        var header = parser.ReadFields() ?? throw new InvalidDataException($"{path}: no header");
        var lines = new List<string>();
        while (!parser.EndOfData)
        {
            var fields = parser.ReadFields();
            if (fields is null)
            {
                continue;
            }
            var row = new Dictionary<string, string?>();
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = i < fields.Length && fields[i].Length > 0 ? fields[i] : null;
            }
            lines.Add(JsonSerializer.Serialize(row));
        }
        await SendLinesAsync(http, dataset, lines, ct);
    }

    public static async Task SendJsonLinesAsync(HttpClient http, string dataset, string path, CancellationToken ct = default) =>
        await SendLinesAsync(http, dataset, File.ReadLines(path).Where(l => l.Trim().Length > 0).ToList(), ct);

    public static async Task SendLinesAsync(HttpClient http, string dataset, IReadOnlyList<string> lines, CancellationToken ct = default)
    {
        for (var i = 0; i < lines.Count; i += Batch)
        {
            var body = string.Join('\n', lines.Skip(i).Take(Batch)) + "\n";
            using var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            using var res = await http.PostAsync($"api/v1/ingest/{dataset}", content, ct);
            if ((int)res.StatusCode != 202)
            {
                throw new HttpRequestException($"ingest {dataset} answered {(int)res.StatusCode}: {await res.Content.ReadAsStringAsync(ct)}");
            }
        }
    }
}
