using System.Text;

namespace Emporium.Sources.Reviews;

/// <summary>A small hand-written English opinion lexicon the ML model reads besides the review's own words. The rated
/// training sample has a few dozen negative reviews, so most ways of saying "bad" ("terrible", "waste", "broke") never
/// occur in a negative training review and the model, knowing only the words it saw, had no reason to call them
/// negative. <see cref="Annotate"/> appends one marker token per opinion word (<see cref="PositiveMarker"/> or
/// <see cref="NegativeMarker"/>, flipped when a negator stands up to three words before it: "not good", "would not
/// recommend"); the model learns from the training reviews how much a marker weighs, and every word of the lexicon then
/// counts, seen in training or not. Deterministic and a single pass over the text.</summary>
public static class SentimentLexicon
{
    /// <summary>Marker tokens: letters only (so the featurizer keeps them whole) and no English word contains them.</summary>
    public const string PositiveMarker = "zqposzq";

    public const string NegativeMarker = "zqnegzq";

    /// <summary>How many words before an opinion word a negator still flips it ("not at all good").</summary>
    private const int NegationWindow = 3;

    public static readonly IReadOnlySet<string> Positive = new HashSet<string>(StringComparer.Ordinal)
    {
        "good", "great", "excellent", "amazing", "awesome", "fantastic", "wonderful", "perfect", "perfectly", "love",
        "loved", "loves", "lovely", "liked", "nice", "nicely", "beautiful", "beautifully", "gorgeous",
        "pretty", "cute", "adorable", "stylish", "elegant", "comfortable", "comfy", "comfortably", "soft", "sturdy",
        "durable", "solid", "reliable", "recommend", "recommended", "happy", "pleased", "satisfied",
        "delighted", "glad", "enjoy", "enjoyed", "best", "better", "superb", "outstanding", "brilliant", "terrific",
        "fabulous", "impressive", "impressed", "worth", "value", "bargain", "fits", "fit", "flattering", "favorite",
        "favourite", "exactly", "easy", "fast", "quick", "quickly", "works", "worked", "helpful", "thanks",
        "thank", "exceeded", "recommendable", "wow", "fine", "decent", "classy", "compliments",
        "attractive", "flawless", "ideal", "handy", "convenient", "effective", "smooth", "lightweight", "breathable",
        "supportive", "cozy", "snug", "true",
    };

    public static readonly IReadOnlySet<string> Negative = new HashSet<string>(StringComparer.Ordinal)
    {
        "bad", "badly", "terrible", "terribly", "awful", "horrible", "horribly", "poor", "poorly", "worst", "worse",
        "hate", "hated", "hates", "dislike", "disliked", "disappoint", "disappoints", "disappointed", "disappointing", "disappointment", "useless",
        "waste", "wasted", "junk", "garbage", "trash", "crap", "cheap", "cheaply", "flimsy", "broke", "broken", "breaks",
        "break", "defective", "faulty", "damaged", "ripped", "rip", "torn", "tear", "tears", "falling", "fell", "apart",
        "faded", "fades", "fade", "shrunk", "shrank", "shrinks", "stain", "stained", "smell", "smells", "stinks",
        "uncomfortable", "painful", "hurt", "hurts", "itchy", "scratchy", "returned", "returning", "refund", "unhappy", "unsatisfied", "dissatisfied", "annoying", "annoyed", "frustrating",
        "frustrated", "fake", "counterfeit", "scam", "ugly", "wrong", "missing", "problem", "problems", "issue",
        "issues", "fail", "failed", "fails", "failure", "mistake", "regret", "unfortunately", "sadly", "avoid",
        "beware", "refuse", "misleading", "inaccurate", "overpriced", "mediocre", "meh", "lousy", "pathetic",
        "ridiculous", "nasty", "gross", "sucks", "sucked", "unusable", "unwearable",
        "worthless", "pointless", "flaw", "flawed", "flaws", "crooked", "uneven", "sloppy", "shoddy", "cracked",
        "peeling", "peeled", "died",
    };

    /// <summary>Measures that, after "too", are a complaint about the product ("too small", "too expensive") though
    /// neither word is an opinion alone; the commonest kind of negative review in a clothing and shoe sample.</summary>
    private static readonly IReadOnlySet<string> ExcessiveAfterToo = new HashSet<string>(StringComparer.Ordinal)
    {
        "small", "big", "large", "tight", "loose", "narrow", "wide", "short", "long", "thin", "thick", "heavy", "stiff",
        "hard", "bulky", "low", "high", "hot", "expensive", "pricey", "flimsy", "tiny", "huge", "baggy", "snug", "slow",
        "weak", "dark", "light", "shallow", "deep",
    };

    /// <summary>Words that flip the polarity of the opinion words shortly after them. Apostrophes are kept inside tokens,
    /// and the apostrophe-less spellings reviewers type ("dont") count too.</summary>
    private static readonly IReadOnlySet<string> Negators = new HashSet<string>(StringComparer.Ordinal)
    {
        "not", "no", "never", "nor", "neither", "without", "hardly", "barely", "cannot", "don't", "dont", "doesn't",
        "doesnt", "didn't", "didnt", "isn't", "isnt", "wasn't", "wasnt", "aren't", "arent", "weren't", "werent",
        "won't", "wont", "wouldn't", "wouldnt", "can't", "cant", "couldn't", "couldnt", "shouldn't", "shouldnt",
        "haven't", "havent", "hasn't", "hasnt", "ain't", "aint",
    };

    /// <summary>The text followed by one marker per opinion word in it (none when it has no opinion word).</summary>
    public static string Annotate(string text)
    {
        var markers = new StringBuilder();
        var sinceNegator = int.MaxValue;
        var previous = "";
        foreach (var token in Tokens(text))
        {
            if (Negators.Contains(token))
            {
                sinceNegator = 0;
                previous = token;
                continue;
            }
            sinceNegator = sinceNegator == int.MaxValue ? int.MaxValue : sinceNegator + 1;
            var polarity = previous == "too" && ExcessiveAfterToo.Contains(token) ? -1
                : Positive.Contains(token) ? 1 : Negative.Contains(token) ? -1 : 0;
            previous = token;
            if (polarity == 0)
            {
                continue;
            }
            if (sinceNegator <= NegationWindow)
            {
                polarity = -polarity;
            }
            markers.Append(' ').Append(polarity > 0 ? PositiveMarker : NegativeMarker);
        }
        return markers.Length == 0 ? text : text + markers;
    }

    /// <summary>Lower-cased runs of letters and apostrophes (curly ones read as straight).</summary>
    private static IEnumerable<string> Tokens(string text)
    {
        var token = new StringBuilder();
        foreach (var raw in text)
        {
            var c = raw is '\u2019' or '\u2018' ? '\'' : raw;
            if (char.IsLetter(c) || (c == '\'' && token.Length > 0))
            {
                token.Append(char.ToLowerInvariant(c));
                continue;
            }
            if (token.Length > 0)
            {
                yield return token.ToString().TrimEnd('\'');
                token.Clear();
            }
        }
        if (token.Length > 0)
        {
            yield return token.ToString().TrimEnd('\'');
        }
    }
}
