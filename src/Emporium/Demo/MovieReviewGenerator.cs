using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Emporium.Demo;

/// <summary>Generates seed 004's movie reviews file (<c>cid,review_str</c>) for a set of customer ids. The seed's own
/// file is not among the samples, so this writes a stand-in: each customer gets 0–4 reviews composed from opening,
/// verdict and detail phrases of mixed polarity (about 60 % positive), some using "good" and some only its synonyms
/// or negations ("not good"), which is what separates the seed's keyword rule from a trained model. The same seed and
/// customers always give the same file.</summary>
public static class MovieReviewGenerator
{
    private static readonly string[] Openings =
    [
        "Watched this last weekend with my family.", "I went in with low expectations.", "Saw it at the cinema on opening night.",
        "My friend recommended this one.", "Finally got around to watching it.", "Rented it on a rainy evening.",
        "I had read the book before seeing the film.", "This was the second time I watched it.",
    ];

    private static readonly string[] Positive =
    [
        "The acting was good and the story kept me hooked.", "A really good film, I would watch it again.",
        "Brilliant performances and a moving soundtrack.", "Loved every minute, the ending was perfect.",
        "Great direction and a clever script.", "Beautifully shot, funny and warm.", "One of the best movies I have seen this year.",
        "The cast is superb and the pacing is just right.", "Good fun from start to finish.", "Wonderful, heartfelt and surprisingly deep.",
    ];

    private static readonly string[] Negative =
    [
        "The plot made no sense and the dialogue was painful.", "Not good at all, I almost walked out.", "Boring, predictable and far too long.",
        "The acting was wooden and the jokes fell flat.", "A waste of two hours.", "Terrible editing and a lazy script.",
        "I wanted to like it but it was a mess.", "The trailer was the best part, sadly.", "Disappointing sequel with nothing new to say.",
        "Dull characters and an ending that ruins everything.",
    ];

    private static readonly string[] Details =
    [
        "The soundtrack stood out.", "The special effects were impressive.", "The second half drags a little.",
        "Kids might find some scenes scary.", "The lead actor carried the whole film.", "Cinematography was stunning.",
        "Some scenes felt rushed.", "The villain was memorable.",
    ];

    /// <summary>Writes the CSV (header <c>cid,review_str</c>) for <paramref name="customerIds"/>; returns rows written.</summary>
    public static int Write(TextWriter writer, IEnumerable<long> customerIds, int seed = 4)
    {
        var rows = 0;
        writer.Write("cid,review_str\n");
        foreach (var review in Generate(customerIds, seed))
        {
            writer.Write(review.Cid.ToString(CultureInfo.InvariantCulture));
            writer.Write(",\"");
            writer.Write(review.Text.Replace("\"", "\"\"", StringComparison.Ordinal));
            writer.Write("\"\n");
            rows++;
        }
        return rows;
    }

    /// <summary>The reviews <see cref="Write"/> writes, in its order, each with the polarity it was composed with.</summary>
    public static IEnumerable<GeneratedMovieReview> Generate(IEnumerable<long> customerIds, int seed = 4)
    {
        var random = new Random(seed);
        foreach (var cid in customerIds.Distinct().Order())
        {
            var reviews = random.Next(0, 5);
            for (var i = 0; i < reviews; i++)
            {
                yield return Review(random, cid);
            }
        }
    }

    /// <summary>Rated reviews composed the same way (positive ones rated 4–5 stars, negative ones 1–2), as McAuley JSON
    /// lines (<c>overall</c>, <c>reviewText</c>): training data for the sentiment model that classifies the generated
    /// file. Returns rows written.</summary>
    public static int WriteRated(TextWriter writer, int count, int seed = 1004)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var review = Review(random, i);
            var stars = review.Positive ? 4 + random.Next(2) : 1 + random.Next(2);
            writer.Write(JsonSerializer.Serialize(new { overall = stars, reviewText = review.Text }));
            writer.Write('\n');
        }
        return count;
    }

    private static GeneratedMovieReview Review(Random random, long cid)
    {
        var positive = random.NextDouble() < 0.6;
        var text = new StringBuilder()
            .Append(Openings[random.Next(Openings.Length)]).Append(' ')
            .Append((positive ? Positive : Negative)[random.Next(Positive.Length)]);
        if (random.NextDouble() < 0.5)
        {
            text.Append(' ').Append(Details[random.Next(Details.Length)]);
        }
        return new GeneratedMovieReview(cid, text.ToString(), positive);
    }
}

/// <summary>One generated movie review and the polarity it was composed with.</summary>
public sealed record GeneratedMovieReview(long Cid, string Text, bool Positive);
