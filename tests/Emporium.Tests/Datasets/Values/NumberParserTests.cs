using Emporium.Datasets;
using Emporium.Datasets.Values;

namespace Emporium.Tests.Datasets.Values;

public sealed class NumberParserTests
{
    [Theory]
    [InlineData("4.6", 4.6)]
    [InlineData("$1,234.50", 1234.5)]
    [InlineData("-$3.00", -3.0)]
    [InlineData("£0.99", 0.99)]
    [InlineData("1,234,567", 1234567.0)]
    [InlineData(" 17850.0 ", 17850.0)]
    [InlineData("1e3", 1000.0)]
    public void ReadsDoubles(string text, double expected)
    {
        Assert.Equal(ParseStatus.Ok, NumberParser.TryParseDouble(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1,5")]
    [InlineData("1,2345")]
    [InlineData(",123")]
    [InlineData("1.000,50")]
    [InlineData("Infinity")]
    [InlineData("12 34")]
    [InlineData("$")]
    public void RejectsWhatIsNotAPlainNumber(string text)
    {
        Assert.Equal(ParseStatus.Invalid, NumberParser.TryParseDouble(text, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("None")]
    [InlineData("nan")]
    [InlineData("N/A")]
    public void NullTokensAreEmpty(string text)
    {
        Assert.Equal(ParseStatus.Empty, NumberParser.TryParseDouble(text, out _));
        Assert.Equal(ParseStatus.Empty, NumberParser.TryParseInteger(text, NumberFormat.Plain, out _));
    }

    [Theory]
    [InlineData("17850.0", 17850L)]
    [InlineData("-12", -12L)]
    [InlineData("1,234", 1234L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void ReadsIntegers(string text, long expected)
    {
        Assert.Equal(ParseStatus.Ok, NumberParser.TryParseInteger(text, NumberFormat.Plain, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("4.5", ParseStatus.NotInteger)]
    [InlineData("1e30", ParseStatus.NotInteger)]
    [InlineData("1K+", ParseStatus.Invalid)]
    public void RejectsNonIntegers(string text, ParseStatus expected)
    {
        Assert.Equal(expected, NumberParser.TryParseInteger(text, NumberFormat.Plain, out _));
    }

    [Theory]
    [InlineData("1K+ bought in past month", 1000L)]
    [InlineData("100+ bought in past month", 100L)]
    [InlineData("2.5M", 2500000L)]
    [InlineData("50+", 50L)]
    [InlineData("300", 300L)]
    public void ReadsApproximateCounts(string text, long expected)
    {
        Assert.Equal(ParseStatus.Ok, NumberParser.TryParseInteger(text, NumberFormat.ApproximateCount, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("1Kx")]
    public void RejectsOtherCountText(string text)
    {
        Assert.Equal(ParseStatus.Invalid, NumberParser.TryParseInteger(text, NumberFormat.ApproximateCount, out _));
    }
}
