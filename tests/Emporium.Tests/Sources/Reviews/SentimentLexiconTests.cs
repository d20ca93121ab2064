using Emporium.Sources.Reviews;

namespace Emporium.Tests.Sources.Reviews;

public sealed class SentimentLexiconTests
{
    private const string Pos = SentimentLexicon.PositiveMarker;
    private const string Neg = SentimentLexicon.NegativeMarker;

    [Theory]
    [InlineData("Terrible quality, it broke.", new[] { Neg, Neg })]
    [InlineData("GREAT shoes, love them", new[] { Pos, Pos })]
    [InlineData("not good", new[] { Neg })]
    [InlineData("It was not at all good", new[] { Neg })] // three words after the negator still flip
    [InlineData("not the shoe I wanted, but good", new[] { Pos })] // further than three words: no longer flipped
    [InlineData("I wouldn\u2019t recommend them", new[] { Neg })] // curly apostrophe reads as straight
    [InlineData("didnt disappoint", new[] { Pos })]
    [InlineData("Bought these for my son.", new string[0])]
    [InlineData("Way too small, and too expensive", new[] { Neg, Neg })] // a measure after "too" is a complaint
    [InlineData("small and light", new string[0])] // but not on its own
    [InlineData("not too big", new[] { Pos })]
    public void Markers_follow_the_opinion_words_in_order_with_negation(string text, string[] markers)
    {
        var annotated = SentimentLexicon.Annotate(text);

        Assert.StartsWith(text, annotated, StringComparison.Ordinal);
        var added = annotated[text.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(markers, added);
    }

    [Fact]
    public void Markers_are_no_word_of_the_lexicons() =>
        Assert.All(new[] { Pos, Neg }, m =>
        {
            Assert.DoesNotContain(m, SentimentLexicon.Positive);
            Assert.DoesNotContain(m, SentimentLexicon.Negative);
            Assert.Equal(m, SentimentLexicon.Annotate(m));
        });
}
