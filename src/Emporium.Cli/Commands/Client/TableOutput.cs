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

    /// <param name="notices">Where CSV says that the result was cut (stderr: the output stays pure data); the table
    /// format says it under the table, JSON in <c>truncatedBy</c>.</param>
    public static void Write(QueryResult result, string format, TextWriter output, string? name = null, TextWriter? notices = null)
    {
        switch (format)
        {
            case "csv":
                output.WriteLine(string.Join(',', result.Columns.Select(c => Csv(c.Name))));
                foreach (var row in result.Rows)
                {
                    output.WriteLine(string.Join(',', row.Select(v => Csv(Text(v)))));
                }
                if (result.Truncated)
                {
                    notices?.WriteLine($"{result.Rows.Count} row(s){Truncation(result)}");
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
                body["truncatedBy"] = result.TruncatedBy;
                output.WriteLine(JsonSerializer.Serialize(body, Web.ResultJson.Options));
                break;
            default:
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
                var cells = result.Rows.Select(row => row.Select(v => v is null ? "NULL" : Text(v)).ToArray()).ToList();
                if (NaturalWidth(result.Columns, cells) <= console.Profile.Width)
                {
                    var table = new Table().Border(TableBorder.Rounded);
                    if (name is not null)
                    {
                        table.Title(Markup.Escape(name));
                    }
                    foreach (var column in result.Columns)
                    {
                        table.AddColumn(new TableColumn(Markup.Escape(column.Name)));
                    }
                    foreach (var row in cells)
                    {
                        table.AddRow(row.Select(Markup.Escape).ToArray());
                    }
                    console.Write(table);
                }
                else
                {
                    // Too wide to read as a grid (every column would shrink to a few letters): one record at a time,
                    // a line per column, as psql's expanded display does.
                    for (var r = 0; r < cells.Count; r++)
                    {
                        var record = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{(name is null ? "" : name + " ")}row {r + 1}")).HideHeaders();
                        record.AddColumn(new TableColumn("column").NoWrap());
                        record.AddColumn("value");
                        for (var c = 0; c < result.Columns.Count; c++)
                        {
                            record.AddRow(Markup.Escape(result.Columns[c].Name), Markup.Escape(cells[r][c]));
                        }
                        console.Write(record);
                    }
                }
                output.WriteLine($"{result.Rows.Count} row(s){Truncation(result)}");
                break;
        }
    }

    private static string Truncation(QueryResult result) => result switch
    {
        { Truncated: false } => "",
        { TruncatedBy: QueryResult.ByBytes } => " (truncated: the result reached the server's size limit; add a LIMIT, a filter or fewer columns)",
        _ => " (truncated)",
    };

    private static string Text(object? value) => value switch
    {
        null => "",
        // Dates and times as the API writes them (ISO 8601, a UTC instant with its Z), so a query prints the same with or
        // without a server; the invariant culture would write a DateOnly as 01/02/2024.
        DateTime or DateOnly or TimeOnly or DateTimeOffset => JsonSerializer.Serialize(value, Web.ResultJson.Options).Trim('"'),
        bool b => b ? "true" : "false",
        byte[] bytes => "\\x" + Convert.ToHexStringLower(bytes),
        // Lists, structs and maps read as the JSON the API answers with.
        System.Collections.IEnumerable and not string => JsonSerializer.Serialize(value, Web.ResultJson.Options),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Width of the grid if no cell had to wrap: each column as wide as its widest line, plus borders.</summary>
    private static int NaturalWidth(IReadOnlyList<QueryColumn> columns, List<string[]> cells) =>
        1 + columns.Select((column, c) => 3 + cells.Select(row => Widest(row[c])).Append(Widest(column.Name)).Max()).Sum();

    private static int Widest(string text) => text.Split('\n').Max(line => line.Length);

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
