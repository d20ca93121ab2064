using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace Emporium.Demo;

/// <summary>A seller's catalog as the paged search API of seed 002 answers it (<c>data.products[*]</c>, prices as
/// <c>"$23.94"</c>, demand as <c>"1K+ bought in past month"</c>), made from products of the demo catalog, so the demo's
/// <c>seller_catalog</c> runs exercise the real client, cleaner, snapshot, matches and alerts. Each day is a snapshot:
/// from one day to the next some prices move by 15–30 % (past the default 10 % alert threshold, also on the way back), a few offers drop out
/// and come back, and demand changes. Everything is a function of the products, the day and the page: the same
/// request gets the same answer.</summary>
public static class DemoSellerCatalog
{
    /// <summary>Offers per page; the API's own pages held 20–50.</summary>
    public const int PageSize = 40;

    /// <summary>A demo product the seller may offer.</summary>
    public sealed record Product(string Asin, string Title, double? Price, double? Stars, long? Reviews, string? Url, string? Photo, long? BoughtInLastMonth, bool? BestSeller);

    /// <summary>The distributors of the demo's supplier file.</summary>
    public static readonly IReadOnlyList<string> Distributors = ["Northwind Wholesale", "Harbor Supply Co.", "Blue Ridge Distribution"];

    /// <summary>The offers of <paramref name="day"/>: the products with a price, minus the day's dropped ones.</summary>
    public static IReadOnlyList<Product> Offers(IReadOnlyList<Product> products, DateOnly day) =>
        products.Where(p => p.Price > 0 && !Dropped(p.Asin, day)).Select(p => p with { Price = PriceOn(p, day), BoughtInLastMonth = DemandOn(p, day) }).ToList();

    /// <summary>The API's JSON for page <paramref name="page"/> (1-based) of <paramref name="day"/>; past the last page, an
    /// empty product list (where the client stops).</summary>
    public static byte[] Page(IReadOnlyList<Product> products, DateOnly day, int page, string country)
    {
        var offers = Offers(products, day);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", "OK");
            json.WriteString("request_id", $"demo-{day:yyyyMMdd}-{page}");
            json.WriteStartObject("data");
            json.WriteNumber("total_products", offers.Count);
            json.WriteString("country", country);
            json.WriteStartArray("products");
            foreach (var offer in offers.Skip((page - 1) * PageSize).Take(PageSize))
            {
                WriteOffer(json, offer);
            }
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The demo's supplier file (<c>asin,distributor,cost,stock</c>): each distributor carries about a third
    /// of the products, at 55–85 % of the price, and one ASIN no seller offers.</summary>
    public static string SupplierCsv(IReadOnlyList<Product> products)
    {
        var csv = new StringBuilder("asin,distributor,cost,stock\n");
        for (var d = 0; d < Distributors.Count; d++)
        {
            foreach (var product in products.Where(p => p.Price > 0 && Unit(p.Asin, $"carry-{d}") < 0.33))
            {
                var cost = Math.Round(product.Price!.Value * (0.55 + 0.3 * Unit(product.Asin, $"cost-{d}")), 2);
                var stock = (long)(Unit(product.Asin, $"stock-{d}") * 400);
                csv.Append(CultureInfo.InvariantCulture, $"{product.Asin},\"{Distributors[d]}\",{cost.ToString("0.00", CultureInfo.InvariantCulture)},{stock}\n");
            }
            csv.Append(CultureInfo.InvariantCulture, $"B0DEMO{d:D4},\"{Distributors[d]}\",9.99,50\n");
        }
        return csv.ToString();
    }

    /// <summary>About one offer in 40 is out on a given day.</summary>
    private static bool Dropped(string asin, DateOnly day) => Unit(asin, $"drop-{day.DayNumber}") < 0.025;

    /// <summary>About one price in 12 moves on a given day, by 15–30 % either way, from the catalog price.</summary>
    private static double PriceOn(Product product, DateOnly day)
    {
        var price = product.Price!.Value;
        if (Unit(product.Asin, $"move-{day.DayNumber}") >= 1.0 / 12)
        {
            return price;
        }
        var change = 0.15 + 0.15 * Unit(product.Asin, $"size-{day.DayNumber}");
        return Math.Round(price * (Unit(product.Asin, $"sign-{day.DayNumber}") < 0.5 ? 1 - change : 1 + change), 2);
    }

    private static long? DemandOn(Product product, DateOnly day) =>
        product.BoughtInLastMonth is { } bought && Unit(product.Asin, $"demand-{day.DayNumber}") < 0.05 ? bought * 3 + 100 : product.BoughtInLastMonth;

    private static void WriteOffer(Utf8JsonWriter json, Product offer)
    {
        json.WriteStartObject();
        json.WriteString("asin", offer.Asin);
        json.WriteString("product_title", offer.Title);
        json.WriteString("product_price", Dollars(offer.Price));
        json.WriteNull("product_original_price");
        json.WriteString("currency", "USD");
        if (offer.Stars is { } stars)
        {
            json.WriteString("product_star_rating", stars.ToString("0.0", CultureInfo.InvariantCulture));
        }
        else
        {
            json.WriteNull("product_star_rating");
        }
        json.WriteNumber("product_num_ratings", Ratings(offer));
        json.WriteString("product_url", offer.Url ?? $"https://www.amazon.com/dp/{offer.Asin}");
        json.WriteString("product_photo", offer.Photo);
        json.WriteNumber("product_num_offers", 1 + (int)(Unit(offer.Asin, "offers") * 6));
        json.WriteString("product_minimum_offer_price", Dollars(offer.Price));
        json.WriteBoolean("is_best_seller", offer.BestSeller ?? false);
        json.WriteBoolean("is_amazon_choice", Unit(offer.Asin, "choice") < 0.1);
        json.WriteBoolean("is_prime", Unit(offer.Asin, "prime") < 0.7);
        json.WriteBoolean("climate_pledge_friendly", Unit(offer.Asin, "climate") < 0.15);
        json.WriteString("sales_volume", SalesVolume(offer.BoughtInLastMonth));
        json.WriteString("delivery", "FREE delivery " + (Unit(offer.Asin, "delivery") < 0.5 ? "Tomorrow" : "in 3 days"));
        json.WriteBoolean("has_variations", Unit(offer.Asin, "variations") < 0.3);
        json.WriteEndObject();
    }

    /// <summary>How many rated the offer. The demo products copy the source catalog, where most starred products count
    /// 0 reviews (its review counts are mostly missing); the search API counts the ratings behind every star rating
    /// (thousands in the captured response), so a rated offer with no count gets one of its own, from 3 to about 8 000.</summary>
    private static long Ratings(Product offer) => offer switch
    {
        { Stars: not > 0 } => 0,
        { Reviews: > 0 and var reviews } => reviews,
        _ => (long)Math.Exp(1 + Unit(offer.Asin, "ratings") * 8),
    };

    private static string? Dollars(double? price) => price is { } p ? "$" + p.ToString("#,##0.00", CultureInfo.InvariantCulture) : null;

    /// <summary>The site's lower-bound wording: "50+", "1K+"…</summary>
    private static string? SalesVolume(long? bought) => bought switch
    {
        null or < 50 => null,
        >= 1000 => $"{bought / 1000}K+ bought in past month",
        >= 100 => $"{bought / 100 * 100}+ bought in past month",
        _ => "50+ bought in past month",
    };

    /// <summary>A uniform number in [0, 1) fixed by the ASIN and a purpose.</summary>
    private static double Unit(string asin, string purpose) =>
        (XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(asin + "|" + purpose)) >> 11) * (1.0 / (1UL << 53));
}
