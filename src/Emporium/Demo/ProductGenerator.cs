using System.Text;
using Emporium.Datasets;

namespace Emporium.Demo;

/// <summary>Products shaped like the marketplace catalog: category-dependent log-normal prices ending in .99/.49/.95,
/// a few free (price 0) items, list prices on about a third of products (the rest null, as "not discounted"), star
/// ratings skewed to 4–5, heavy-tailed review counts (most products have none), rare best sellers, and monthly sales
/// in the marketplace's round steps.</summary>
public sealed class ProductGenerator : IDemoGenerator
{
    private static readonly double[] BoughtSteps = [0, 50, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 2000, 3000, 4000, 5000, 10000];
    private static readonly double[] BoughtWeights = DemoRandom.Cumulative(45, 15, 12, 6, 4, 3, 4, 1, 1, 1, 1, 3, 1.5, 1, 0.5, 0.6, 0.4);
    private static readonly double[] EndingWeights = DemoRandom.Cumulative(60, 15, 10, 15);

    private readonly DemoOptions _options;
    private readonly DemoRandom _random;
    private readonly double _daysPerRow;
    private readonly StringBuilder _title = new(160);
    private readonly string[] _nouns;
    private long _index;

    public ProductGenerator(DemoOptions options, long plannedRows)
    {
        _options = options;
        _random = new DemoRandom(options.Seed ^ 0x50524F44); // "PROD"
        _daysPerRow = options.Days / (double)Math.Max(1, plannedRows);
        _nouns = CategoryNames.All.Select(c => Noun(c.Name)).ToArray();
    }

    public DatasetSchema Schema => DatasetCatalog.Products;

    public long? MaxRows => null;

    public void Next(object?[] values)
    {
        var r = _random;
        var categoryIndex = r.Next(CategoryNames.All.Count);
        var category = CategoryNames.All[categoryIndex];
        var asin = Asin.For(_options.Seed, _index);

        var price = r.Chance(0.015) ? 0.0 : Price(category.MedianPrice * Math.Exp(0.75 * r.NextGaussian()));
        double? listPrice = price > 0 && r.Chance(0.3) ? Price(price * (1.1 + r.NextDouble() * 0.6) + 1) : null;
        var reviews = r.Chance(0.6) ? 0L : (long)Math.Min(250_000, Math.Floor(Math.Exp(r.NextDouble() * r.NextDouble() * 12.5)));
        var stars = r.Chance(0.08) ? 0.0 : Math.Round(Math.Clamp(4.8 - Math.Abs(r.NextGaussian()) * 0.45, 1.0, 5.0), 1);

        values[0] = asin;
        values[1] = Title(r, _nouns[categoryIndex]);
        values[2] = $"https://images.example.com/I/{ImageKey(r)}._AC_UL320_.jpg";
        values[3] = $"https://shop.example.com/dp/{asin}";
        values[4] = stars;
        values[5] = reviews;
        values[6] = price;
        values[7] = listPrice;
        values[8] = category.Id;
        values[9] = r.Chance(0.006);
        values[10] = (long)BoughtSteps[r.PickWeighted(BoughtWeights)];
        values[11] = _options.At(_index * _daysPerRow, r.Next(3600));
        _index++;
    }

    private string Title(DemoRandom r, string noun)
    {
        // Marketplace titles are long and keyword-stuffed (about 120 characters in the source catalog).
        var t = _title.Clear();
        t.Append(r.Pick(Vocabulary.Brands)).Append(' ');
        if (r.Chance(0.85))
        {
            t.Append(r.Pick(Vocabulary.Adjectives)).Append(' ');
        }
        if (r.Chance(0.45))
        {
            t.Append(r.Pick(Vocabulary.Adjectives)).Append(' ');
        }
        t.Append(noun);
        if (r.Chance(0.75))
        {
            t.Append(' ').Append(r.Pick(Vocabulary.Features));
        }
        if (r.Chance(0.45))
        {
            t.Append(", ").Append(r.Pick(Vocabulary.Features));
        }
        if (r.Chance(0.75))
        {
            t.Append(", ").Append(r.Pick(Vocabulary.Colors));
        }
        if (r.Chance(0.6))
        {
            t.Append(", ").Append(r.Pick(Vocabulary.Sizes));
        }
        if (r.Chance(0.4))
        {
            t.Append(" - ").Append(r.Pick(Vocabulary.SellingPhrases));
        }
        return t.ToString();
    }

    /// <summary>An 11-character image key in the style of the catalog's image URLs.</summary>
    private static string ImageKey(DemoRandom r) => string.Create(11, r, static (span, random) =>
    {
        const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[random.Next(Alphabet.Length)];
        }
    });

    /// <summary>A shelf price: whole dollars plus a typical ending.</summary>
    private double Price(double raw)
    {
        var dollars = Math.Max(0, Math.Floor(Math.Min(raw, 4999)));
        var ending = _random.PickWeighted(EndingWeights) switch { 0 => 0.99, 1 => 0.49, 2 => 0.95, _ => 0.0 };
        var price = Math.Round(dollars + ending, 2);
        return price > 0 ? price : 0.99;
    }

    /// <summary>The product noun of a category name: first part, singular ("Tripods &amp; Monopods" → "Tripod").</summary>
    private static string Noun(string category)
    {
        var head = category.Split(" & ")[0];
        if (head.EndsWith("ies", StringComparison.Ordinal))
        {
            return head[..^3] + "y";
        }
        if (head.EndsWith("sses", StringComparison.Ordinal) || head.EndsWith("ches", StringComparison.Ordinal) || head.EndsWith("shes", StringComparison.Ordinal) || head.EndsWith("xes", StringComparison.Ordinal))
        {
            return head[..^2];
        }
        return head.EndsWith('s') && !head.EndsWith("ss", StringComparison.Ordinal) ? head[..^1] : head;
    }
}
