using System.Globalization;
using System.Text;
using System.Text.Json;
using Emporium.Warehouse;
using Spectre.Console;

namespace Emporium.Cli.Commands.Client;

/// <summary>Prints a result as a table, CSV (RFC 4180) or JSON (the API's shape).</summary>
public static class TableOutput
{
    public static readonly IReadOnlyList<string> Formats = ["table", "csv", "json"];

    public static void Write(QueryResult result, string format, TextWriter output, string? name = null)
    {
        switch (format)
        {
            case "csv":
                output.WriteLine(string.Join(',', result.Columns.Select(c => Csv(c.Name))));
                foreach (var row in result.Rows)
                {
                    output.WriteLine(string.Join(',', row.Select(v => Csv(Text(v)))));
                }
                break;
            case "json":
                var body = new Dictionary<string, object?>();
                if (name is not null)
                {
                    body["name"] = name;
                }
                body["columns"] = result.Columns.Select(c => new { name = c.Name, type = c.Type });
                body["rows"] = result.Rows;
                body["truncated"] = result.Truncated;
                output.WriteLine(JsonSerializer.Serialize(body, Web.ResultJson.Options));
                break;
            default:
                var table = new Table().Border(TableBorder.Rounded);
                if (name is not null)
                {
                    table.Title(name);
                }
                foreach (var column in result.Columns)
                {
                    table.AddColumn(new TableColumn(Markup.Escape(column.Name)));
                }
                foreach (var row in result.Rows)
                {
                    table.AddRow(row.Select(v => Markup.Escape(v is null ? "NULL" : Text(v))).ToArray());
                }
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
                console.Write(table);
                output.WriteLine($"{result.Rows.Count} row(s){(result.Truncated ? " (truncated)" : "")}");
                break;
        }
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        byte[] bytes => "\\x" + Convert.ToHexStringLower(bytes),
        // Lists, structs and maps read as the JSON the API answers with.
        System.Collections.IEnumerable and not string => JsonSerializer.Serialize(value, Web.ResultJson.Options),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Csv(string value)
    {
        if (value.IndexOfAny([',', '"', '\n', '\r']) < 0)
        {
            return value;
        }
        var sb = new StringBuilder("\"");
        sb.Append(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        return sb.Append('"').ToString();
    }
}
