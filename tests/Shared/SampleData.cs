namespace Emporium.Testing;

/// <summary>Locates the real sample datasets that sit beside the repository (shared/datasets), never copied into it.</summary>
public static class SampleData
{
    private static readonly Lazy<string> Root = new(Locate);

    public static string Dir => Root.Value;

    /// <summary>Full path of a sample file, e.g. <c>Path("uci-online-retail-sample", "online_retail_sample.csv")</c>.</summary>
    public static string Path(string folder, string file)
    {
        var path = System.IO.Path.Combine(Dir, folder, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"sample file missing: {folder}/{file}", path);
    }

    public static string ProductsCsv => Path("amazon-products-asaniczka", "amazon_products_small.csv");
    public static string ProductsJsonLines => Path("amazon-products-asaniczka", "amazon_products_small.txt");
    public static string CategoriesCsv => Path("amazon-products-asaniczka", "amazon_categories.csv");
    public static string CategoriesJsonLines => Path("amazon-products-asaniczka", "amazon_categories.txt");
    public static string McAuleyReviews => Path("amazon-reviews-mcauley-fashion", "AMAZON_FASHION_5.json");
    public static string DatafinitiReviews => Path("datafiniti-amazon-reviews", "1429_1_head.csv");
    public static string SellerSearchResponse => Path("rapidapi-amazon-search-response", "search_response_sample.json");
    public static string BehaviourMetrics => Path("sde-behaviour-metrics", "behaviour_metrics.csv");
    public static string UserPurchase => Path("sde-user-purchase", "temp_filtered_user_purchase.csv");
    public static string OnlineRetail => Path("uci-online-retail-sample", "online_retail_sample.csv");

    private static string Locate()
    {
        var env = Environment.GetEnvironmentVariable("EMPORIUM_SAMPLES");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "datasets");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("shared/datasets not found beside the repository; set EMPORIUM_SAMPLES");
    }
}
