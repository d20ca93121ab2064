using System.Text.Json;
using System.Text.RegularExpressions;
using Emporium.Diagnostics;

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
            return JsonErrorText.Describe(json);
        }

        var match = ParameterPattern().Match(error.Message);
        if (!match.Success)
        {
            return ("request", error.Message);
        }

        var name = match.Groups["name"].Value;
        if (error.Message.StartsWith("Required", StringComparison.Ordinal))
        {
            return (name, "required");
        }
        var expected = JsonErrorText.Expected(match.Groups["type"].Value);
        // "99999999999" is an integer, only not one that fits: "expected an integer" would puzzle.
        return expected == "an integer" && ValueOf(error)?.TrimStart('-') is { Length: > 0 } digits && digits.All(char.IsAsciiDigit)
            ? (name, "out of range for an integer")
            : (name, $"expected {expected}");
    }

    /// <summary>The value that did not bind, when the message gives it (<c>from "abc"</c>).</summary>
    public static string? ValueOf(BadHttpRequestException error) =>
        ValuePattern().Match(error.Message) is { Success: true } m ? m.Groups["value"].Value : null;

    // Messages of the request delegate factory: Failed to bind parameter "int? limit" from "abc". /
    // Required parameter "string name" was not provided from query string.
    [GeneratedRegex(@"parameter ""(?<type>[^""]*) (?<name>[^"" ]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"\bfrom ""(?<value>[^""]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex ValuePattern();
}
