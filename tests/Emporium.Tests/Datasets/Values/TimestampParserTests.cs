using Emporium.Datasets;
using Emporium.Datasets.Values;

namespace Emporium.Tests.Datasets.Values;

public sealed class TimestampParserTests
{
    private static DateTime Utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) => new(y, mo, d, h, mi, s, DateTimeKind.Utc);

    public static TheoryData<string, SlashDateOrder, DateTime> Accepted => new()
    {
        { "1441324800", SlashDateOrder.MonthFirst, Utc(2015, 9, 4) },
        { "1441324800000", SlashDateOrder.MonthFirst, Utc(2015, 9, 4) },
        { "2017-06-03T00:00:00.000Z", SlashDateOrder.MonthFirst, Utc(2017, 6, 3) },
        { "2017-07-03T23:33:15Z", SlashDateOrder.MonthFirst, Utc(2017, 7, 3, 23, 33, 15) },
        { "2010-12-01 08:26:00", SlashDateOrder.MonthFirst, Utc(2010, 12, 1, 8, 26) },
        { "2010-12-01", SlashDateOrder.MonthFirst, Utc(2010, 12, 1) },
        { "2010-12-01T10:26:00+02:00", SlashDateOrder.MonthFirst, Utc(2010, 12, 1, 8, 26) },
        { "2010-12-01T03:26:00-0500", SlashDateOrder.MonthFirst, Utc(2010, 12, 1, 8, 26) },
        { "2023/12/31", SlashDateOrder.DayFirst, Utc(2023, 12, 31) },
        { "31/12/2023 00:00", SlashDateOrder.DayFirst, Utc(2023, 12, 31) },
        { "01/02/2023 00:00", SlashDateOrder.DayFirst, Utc(2023, 2, 1) },
        { "01/02/2023 00:00", SlashDateOrder.MonthFirst, Utc(2023, 1, 2) },
        { "12/1/2010 8:26", SlashDateOrder.MonthFirst, Utc(2010, 12, 1, 8, 26) },
        { "12/1/2010 8:26:30", SlashDateOrder.MonthFirst, Utc(2010, 12, 1, 8, 26, 30) },
        { "12/1/2010 8:26 PM", SlashDateOrder.MonthFirst, Utc(2010, 12, 1, 20, 26) },
        { "12/1/2010 12:05 AM", SlashDateOrder.MonthFirst, Utc(2010, 12, 1, 0, 5) },
        { "09 4, 2015", SlashDateOrder.DayFirst, Utc(2015, 9, 4) },
        { "  12 25, 2013 ", SlashDateOrder.MonthFirst, Utc(2013, 12, 25) },
        // ISO-8601's basic form, as SAP and many database exports write a date; it once read as unix seconds (1970-08-21).
        { "20101201", SlashDateOrder.MonthFirst, Utc(2010, 12, 1) },
        { "100000000", SlashDateOrder.MonthFirst, Utc(1973, 3, 3, 9, 46, 40) },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void ReadsEverySourceShape(string text, SlashDateOrder order, DateTime expected)
    {
        Assert.Equal(ParseStatus.Ok, TimestampParser.TryParse(text, order, out var value));
        Assert.Equal(expected, value);
        Assert.Equal(DateTimeKind.Utc, value.Kind);
    }

    [Theory]
    [InlineData("31/12/2023 00:00", SlashDateOrder.MonthFirst)]
    [InlineData("12/31/2023 00:00", SlashDateOrder.DayFirst)]
    [InlineData("2023-02-30")]
    [InlineData("2023-12-01 25:00")]
    [InlineData("2023-12-01 10:61")]
    [InlineData("yesterday")]
    [InlineData("12/1/10 8:26")]
    [InlineData("2010-12-01 08:26:00 garbage")]
    [InlineData("1e400")]
    [InlineData("99999999999999999999")]
    [InlineData("40148")] // an Excel serial date saved as a number: not 1970-01-01T11:09:08
    [InlineData("40148.35")]
    [InlineData("2010")] // a year
    [InlineData("20101301")] // eight digits that are no date, and too small for unix time
    [InlineData("0")]
    [InlineData("-86400")]
    public void RejectsWhatItCannotReadUnambiguously(string text, SlashDateOrder order = SlashDateOrder.MonthFirst)
    {
        Assert.Equal(ParseStatus.Invalid, TimestampParser.TryParse(text, order, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("null")]
    [InlineData("NaT")]
    public void EmptyIsNoValue(string text)
    {
        Assert.Equal(ParseStatus.Empty, TimestampParser.TryParse(text, SlashDateOrder.MonthFirst, out _));
    }
}
