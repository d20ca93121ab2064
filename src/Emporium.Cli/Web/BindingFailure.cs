using System.Text.Json;
using System.Text.RegularExpressions;

namespace Emporium.Cli.Web;

/// <summary>Names the field of a request that ASP.NET Core could not bind (a query value that is not a number, a JSON
/// body member of the wrong type), so such a 400 carries the same <c>errors:[{field,error}]</c> as every other one
/// instead of an empty body.</summary>
public static partial class BindingFailure
{
    /// <summary>The field and reason for <paramref name="error"/>; the field is "request" when the message names none.</summary>
    public static (string Field, string Error) Describe(BadHttpRequestException error)
    {
        if (error.InnerException is JsonException json)
        {
            // The reader's own failure (bad syntax, a truncated body) comes wrapped; a value that parsed but does not
            // fit its member's type does not, and the path names that member.
            return json.InnerException is not JsonException && json.Path is { Length: > 1 } path
                ? (MemberOf(path), "has the wrong type for this field")
                : ("body", "not valid JSON");
        }

        var match = ParameterPattern().Match(error.Message);
        if (!match.Success)
        {
            return ("request", error.Message);
        }

        var name = match.Groups["name"].Value;
        return error.Message.StartsWith("Required", StringComparison.Ordinal)
            ? (name, "required")
            : (name, $"expected {Describe(match.Groups["type"].Value)}");
    }

    /// <summary>The value that did not bind, when the message gives it (<c>from "abc"</c>).</summary>
    public static string? ValueOf(BadHttpRequestException error) =>
        ValuePattern().Match(error.Message) is { Success: true } m ? m.Groups["value"].Value : null;

    /// <summary>"$.fromOffset" → "fromOffset"; "$.items[2].price" → "items[2].price".</summary>
    private static string MemberOf(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string Describe(string type) => Unwrap(type) switch
    {
        "int" or "long" or "short" or "Int32" or "Int64" or "Int16" => "an integer",
        "double" or "decimal" or "float" or "Double" or "Decimal" or "Single" => "a number",
        "bool" or "Boolean" => "true or false",
        "DateTimeOffset" or "DateTime" or "DateOnly" => "a date",
        var other => $"a value of type {other}",
    };

    /// <summary>"int?" and "Nullable&lt;int&gt;" → "int".</summary>
    private static string Unwrap(string type) =>
        type.StartsWith("Nullable<", StringComparison.Ordinal) && type.EndsWith('>') ? type[9..^1] : type.TrimEnd('?');

    // Messages of the request delegate factory: Failed to bind parameter "int? limit" from "abc". /
    // Required parameter "string name" was not provided from query string.
    [GeneratedRegex(@"parameter ""(?<type>[^""]*) (?<name>[^"" ]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"\bfrom ""(?<value>[^""]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();
}
