using System.Globalization;
using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Configuration;
using Emporium.Demo;
using Emporium.Marts;
using Emporium.Warehouse;

namespace Emporium.Cli.Web;

/// <summary><c>GET /demo/seller-api/{day}/search?page=N&amp;country=C</c>, only in demo mode: the demo's stand-in for
/// seed 002's paged seller search API (see <see cref="DemoSellerCatalog"/>), over the first products of the demo catalog,
/// one snapshot per <c>day</c>. The demo's <c>seller_catalog</c> runs read it through the DAG's real client. When the
/// server requires keys, a caller from another machine needs a <c>read</c> key.</summary>
public sealed class DemoEndpoints : IEndpointModule
{
    /// <summary>Products of the demo catalog the demo seller offers.</summary>
    public const int SellerProducts = 150;

    public ProcessRoles Roles => ProcessRoles.Ingest;

    public void Map(IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<EmporiumOptions>().Demo)
        {
            return;
        }
        app.MapGet("/demo/seller-api/{day}/search", async (string day, int? page, string? country, Backends backends, CancellationToken ct) =>
            {
                if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    return ApiErrors.Problem(400, "invalid day", "the day must be YYYY-MM-DD", [ApiErrors.Field("day", "expected YYYY-MM-DD")]);
                }
                if (page is < 1)
                {
                    return ApiErrors.Problem(400, "invalid page", "page starts at 1", [ApiErrors.Field("page", "must be 1 or more")]);
                }
                var products = await ProductsAsync(backends.RequireWarehouse(), ct);
                return Results.Bytes(DemoSellerCatalog.Page(products, date, page ?? 1, country ?? "US"), "application/json");
            })
            // The pages are warehouse data, so another machine needs a read key; the demo's own seller_catalog runs
            // call this server from this machine and hold no key.
            .RequireScope(Scopes.Read)
            .AllowWithoutKeyFromThisMachine()
            .ExcludeFromDescription();
    }

    /// <summary>The demo seller's products: the first ones of the catalog by ASIN, compared by code point so that a
    /// PostgreSQL warehouse with a linguistic collation offers the same ones as DuckDB.</summary>
    public static async Task<IReadOnlyList<DemoSellerCatalog.Product>> ProductsAsync(IWarehouse warehouse, CancellationToken ct)
    {
        var result = await warehouse.QueryAsync(
            $"SELECT asin, title, price, stars, reviews, product_url, img_url, bought_in_last_month, is_best_seller FROM products ORDER BY {new MartSql(warehouse.Dialect).ByteOrder("asin")} LIMIT {SellerProducts}", ct);
        return result.Rows.Select(r => new DemoSellerCatalog.Product(
            (string)r[0]!, r[1] as string ?? "", Number(r[2]), Number(r[3]), Whole(r[4]), r[5] as string, r[6] as string, Whole(r[7]), r[8] as bool?)).ToList();
    }

    private static double? Number(object? value) => value is null ? null : Convert.ToDouble(value, CultureInfo.InvariantCulture);

    private static long? Whole(object? value) => value is null ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
