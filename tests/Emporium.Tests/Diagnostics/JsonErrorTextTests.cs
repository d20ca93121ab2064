using System.Text.Json;
using Emporium.Diagnostics;

namespace Emporium.Tests.Diagnostics;

public sealed class JsonErrorTextTests
{
    private sealed record Shape(long? FromOffset, string? Name, List<string>? Paths, bool Strict, Dictionary<string, string>? Params);

    [Theory]
    [InlineData("""{"fromOffset": "x"}""", "fromOffset", "expected an integer")]
    [InlineData("""{"name": 5}""", "name", "expected a string")]
    [InlineData("""{"paths": "a.csv"}""", "paths", "expected a list")]
    [InlineData("""{"strict": "yes"}""", "strict", "expected true or false")]
    [InlineData("""{"params": [1]}""", "params", "expected an object")]
    [InlineData("""{"name": "x",""", "body", "not valid JSON at line 1, byte 13: ")]
    [InlineData("{\n  \"name\": x}", "body", "not valid JSON at line 2, byte 11: 'x' is an invalid start of a value.")]
    [InlineData("""{"fromOffset": 1.5}""", "fromOffset", "expected an integer")]
    public void A_failure_names_the_member_and_the_type_or_where_the_body_breaks(string json, string field, string reason)
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<Shape>(json, JsonSerializerOptions.Web));

        var (shownField, shownReason) = JsonErrorText.Describe(error);
        Assert.Equal(field, shownField);
        // Where a body breaks is the reader's own sentence after the position; only the position is ours.
        Assert.StartsWith(reason, shownReason, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", shownReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("int?", "an integer")]
    [InlineData("Nullable<int>", "an integer")]
    [InlineData("System.Nullable`1[System.Double]", "a number")]
    [InlineData("System.String[]", "a list")]
    [InlineData("System.Collections.Generic.IReadOnlyList`1[System.String]", "a list")]
    [InlineData("DateOnly", "a date")]
    [InlineData("System.Guid", "a value of type Guid")]
    [InlineData("boolean", "true or false")]
    public void Types_are_said_as_json_values(string type, string expected) => Assert.Equal(expected, JsonErrorText.Expected(type));
}
