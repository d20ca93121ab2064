using System.Text.RegularExpressions;
using Emporium.Lake;

namespace Emporium.Sources.SellerCatalog;

/// <summary>Lake paths of one seller's snapshot: raw pages as received
/// (<c>raw/seller_catalog/year=…/month=…/day=…/&lt;seller&gt;-page-0001.json</c>) and the clean Parquet
/// (<c>clean/seller_offers/date=…/&lt;seller&gt;.parquet</c>).</summary>
public static partial class SellerCatalogPaths
{
    public static string RawFolder(DateOnly ds) => LakeLayout.RawFolder("seller_catalog", ds) + "/";

    public static string RawPage(string sellerId, DateOnly ds, int page) => $"{RawFolder(ds)}{Safe(sellerId)}-page-{page:D4}.json";

    public static string RawPagePrefix(string sellerId, DateOnly ds) => $"{RawFolder(ds)}{Safe(sellerId)}-page-";

    public static string Clean(string sellerId, DateOnly ds) => $"{LakeLayout.CleanFolder("seller_offers", ds)}/{Safe(sellerId)}.parquet";

    /// <summary>A seller id as a file name: anything but letters, digits, '-' and '_' becomes '_'.</summary>
    public static string Safe(string sellerId) => Unsafe().Replace(sellerId, "_");

    [GeneratedRegex("[^A-Za-z0-9_-]")]
    private static partial Regex Unsafe();
}
