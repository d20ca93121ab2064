using System.Text.Json;

namespace Emporium.Diagnostics;

/// <summary>System.Text.Json's failures said for people: where a body breaks (line and byte, counted from 1, without
/// the reader's own "LineNumber: 0 | BytePositionInLine: 1" tail), or which member holds a value of the wrong type.</summary>
public static class JsonErrorText
{
    private const string WrongType = "The JSON value could not be converted to ";
    private const string Unknown = "a value of type ";

    /// <summary>Whether System.Text.Json refused to turn a string into text: its syntax was valid, but a <c>\u</c>
    /// escape is half of a UTF-16 surrogate pair (<c>\ud800</c> alone), which no text can hold. The reader throws only
    /// when the string is read, as an <see cref="InvalidOperationException"/>, not a <see cref="JsonException"/>.</summary>
    public static bool IsInvalidText(Exception error)
    {
        // Reading says "… missing low surrogate", writing wraps "Invalid surrogate value" in "could not be serialized".
        for (var e = (Exception?)error; e is not null; e = e.InnerException)
        {
            if (e is InvalidOperationException or ArgumentException && e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The reason given for a string <see cref="IsInvalidText"/> refused.</summary>
    public static string InvalidTextReason(Exception error) =>
        $"not valid text: a \\u escape is half of a UTF-16 surrogate pair ({FirstSentence(error.Message)})";

    /// <summary>The message up to the reader's position tail, without advice to the reader's programmer.</summary>
    public static string FirstSentence(string message)
    {
        // Advice to the reader's programmer ("Change the reader options."), which a sender of the JSON cannot follow.
        message = message.Replace(" which is not supported in this mode", "", StringComparison.Ordinal)
            .Replace(" Change the reader options.", "", StringComparison.Ordinal);
        var cut = new[] { message.IndexOf(" LineNumber:", StringComparison.Ordinal), message.IndexOf(" Path:", StringComparison.Ordinal) }.Where(i => i > 0).DefaultIfEmpty(message.Length).Min();
        return message[..cut].Trim();
    }

    /// <summary>The member a value of the wrong type sits in (<c>$.fromOffset</c> → <c>fromOffset</c>) and what it should
    /// be (null when it cannot be told), or null when the body itself does not parse.</summary>
    private static (string Member, string? Expected)? WrongTypeOf(JsonException error)
    {
        if (!error.Message.StartsWith(WrongType, StringComparison.Ordinal) || error.Path is not { Length: > 1 } path)
        {
            return null;
        }
        var member = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        var expected = Expected(error.Message[WrongType.Length..].Split(". ")[0].TrimEnd('.'));
        // A record bound through its constructor names itself, not the member's type; the reader's own failure inside
        // says what it wanted ("… as a boolean.", "… out of bounds for an Int64.").
        if (expected.StartsWith(Unknown, StringComparison.Ordinal) && error.InnerException?.Message is { } inner
            && inner.TrimEnd('.').Split(' ') is [.., "a" or "an", var wanted])
        {
            expected = Expected(wanted);
        }
        return (member, expected.StartsWith(Unknown, StringComparison.Ordinal) ? null : expected);
    }

    /// <summary>Why the body cannot be read: the member of the wrong type, or where the JSON breaks.</summary>
    public static (string Field, string Reason) Describe(JsonException error) =>
        WrongTypeOf(error) is { } wrong
            ? (wrong.Member, wrong.Expected is { } expected ? $"expected {expected}" : "has the wrong type")
            : ("body", $"not valid JSON at line {(error.LineNumber ?? 0) + 1}, byte {(error.BytePositionInLine ?? 0) + 1}: {FirstSentence(error.Message)}");

    /// <summary>What a type's values look like in JSON: "System.Nullable`1[System.Int64]" and "long?" → "an integer";
    /// "System.String[]" → "a list".</summary>
    public static string Expected(string type)
    {
        var name = type.StartsWith("System.Nullable`1[", StringComparison.Ordinal) ? type[18..^1] : type.TrimEnd('?');
        if (name.EndsWith("[]", StringComparison.Ordinal))
        {
            return "a list";
        }
        if (name.IndexOf('`') is var generic and > 0)
        {
            name = name[..generic];
        }
        if (name.StartsWith("Nullable<", StringComparison.Ordinal) && name.EndsWith('>'))
        {
            name = name[9..^1];
        }
        return name[(name.LastIndexOf('.') + 1)..] switch
        {
            "List" or "IList" or "IReadOnlyList" or "IEnumerable" or "ICollection" or "IReadOnlyCollection" => "a list",
            "Dictionary" or "IDictionary" or "IReadOnlyDictionary" => "an object",
            "Int32" or "Int64" or "Int16" or "int" or "long" or "short" => "an integer",
            "Double" or "Decimal" or "Single" or "double" or "decimal" or "float" or "number" => "a number",
            "Boolean" or "boolean" or "bool" => "true or false",
            "String" or "string" => "a string",
            "DateTimeOffset" or "DateTime" or "DateOnly" => "a date",
            var other => Unknown + other,
        };
    }
}
