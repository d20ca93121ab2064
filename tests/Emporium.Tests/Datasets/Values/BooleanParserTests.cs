using Emporium.Datasets.Values;

namespace Emporium.Tests.Datasets.Values;

public sealed class BooleanParserTests
{
    [Theory]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("true", true)]
    [InlineData("1", true)]
    [InlineData("yes", true)]
    [InlineData("False", false)]
    [InlineData("FALSE", false)]
    [InlineData("0", false)]
    [InlineData(" no ", false)]
    public void ReadsEveryStyle(string text, bool expected)
    {
        Assert.Equal(ParseStatus.Ok, BooleanParser.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("maybe", ParseStatus.Invalid)]
    [InlineData("2", ParseStatus.Invalid)]
    [InlineData("", ParseStatus.Empty)]
    [InlineData("None", ParseStatus.Empty)]
    public void RejectsOrEmpties(string text, ParseStatus expected)
    {
        Assert.Equal(expected, BooleanParser.TryParse(text, out _));
    }
}
