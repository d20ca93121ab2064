namespace Emporium.Marts;

/// <summary>Seed 002's marts over the latest <c>seller_offers</c> snapshot of each seller and the distributors'
/// <c>supplier_products</c>: which offered ASINs a distributor can supply, how many per seller and per distributor,
/// and the best sellers by monthly demand.</summary>
public static class SellerMarts
{
    /// <summary>Each seller's most recent snapshot (older snapshots stay in the table as history for alerts). The latest
    /// day comes from <c>seller_snapshots</c> too, so an empty latest catalog shows no offers rather than the day
    /// before's; <c>seller_offers</c> still counts for days snapshotted before that table existed.</summary>
    private const string LatestOffers = """
        (SELECT o.seller_id, o.asin, o.product_title, o.product_price, o.product_star_rating, o.product_num_ratings,
                o.sales_volume, o.is_best_seller, o.snapshot_date
         FROM seller_offers AS o
         WHERE o.snapshot_date = (SELECT MAX(m.snapshot_date)
                                  FROM (SELECT seller_id, snapshot_date FROM seller_snapshots
                                        UNION ALL SELECT seller_id, snapshot_date FROM seller_offers) AS m
                                  WHERE m.seller_id = o.seller_id)) AS l
        """;

    public static readonly MartDefinition AsinMatches = new(
        "asin_matches",
        "Offered ASINs a distributor carries, with the seller's price, the distributor's cost and the margin",
        [
            new("asin", "varchar"), new("product_title", "varchar"), new("distributor", "varchar"), new("seller_id", "varchar"),
            new("product_price", "double"), new("cost", "double"), new("margin", "double"), new("stock", "bigint"), new("snapshot_date", "date"),
        ],
        ["seller_offers", "seller_snapshots", "supplier_products"],
        sql => $"""
            SELECT l.asin, l.product_title, s.distributor, l.seller_id, l.product_price, s.cost,
                   {sql.Round2($"{sql.Decimal("l.product_price")} - {sql.Decimal("s.cost")}")} AS margin, s.stock, {sql.Date("l.snapshot_date")} AS snapshot_date
            FROM {LatestOffers}
            JOIN supplier_products AS s ON {SameAsin("s.asin", "l.asin")}
            """,
        "asin, distributor, seller_id",
        null);

    public static readonly MartDefinition SellersByMatches = new(
        "sellers_by_matches",
        "Per seller: ASINs offered in the latest snapshot and how many of them a distributor carries",
        [new("seller_id", "varchar"), new("offers", "bigint"), new("matched_asins", "bigint"), new("match_pct", "double")],
        ["seller_offers", "seller_snapshots", "supplier_products"],
        sql => $"""
            SELECT l.seller_id, {sql.BigInt("COUNT(DISTINCT UPPER(l.asin))")} AS offers, {sql.BigInt("COUNT(DISTINCT UPPER(s.asin))")} AS matched_asins,
                   {sql.Round2("COUNT(DISTINCT UPPER(s.asin)) * 100.0 / COUNT(DISTINCT UPPER(l.asin))")} AS match_pct
            FROM {LatestOffers}
            LEFT JOIN supplier_products AS s ON {SameAsin("s.asin", "l.asin")}
            GROUP BY l.seller_id
            """,
        "matched_asins DESC, seller_id",
        null);

    public static readonly MartDefinition DistributorsByMatches = new(
        "distributors_by_matches",
        "Per distributor: products listed, how many are offered by a seller, by how many sellers, and the stock behind them",
        [new("distributor", "varchar"), new("products", "bigint"), new("matched_asins", "bigint"), new("sellers", "bigint"), new("matched_stock", "bigint")],
        ["seller_offers", "seller_snapshots", "supplier_products"],
        // The stock is summed over the distributor's rows joined to the offered ASINs once each; joined to every
        // (asin, seller) pair, an ASIN two sellers offer counted its stock twice, and the offered ASINs kept distinct
        // as written joined an ASIN offered in two cases twice. The sellers come from that join.
        sql => $"""
            SELECT a.distributor, a.products, a.matched_asins, {sql.BigInt("COALESCE(b.sellers, 0)")} AS sellers, a.matched_stock
            FROM (
                SELECT s.distributor, {sql.BigInt("COUNT(DISTINCT UPPER(s.asin))")} AS products, {sql.BigInt("COUNT(DISTINCT o.asin)")} AS matched_asins,
                       {sql.BigInt("SUM(CASE WHEN o.asin IS NOT NULL THEN s.stock ELSE 0 END)")} AS matched_stock
                FROM supplier_products AS s
                LEFT JOIN (SELECT DISTINCT UPPER(asin) AS asin FROM {LatestOffers}) AS o ON {SameAsin("o.asin", "s.asin")}
                GROUP BY s.distributor) AS a
            LEFT JOIN (
                SELECT s.distributor, COUNT(DISTINCT l.seller_id) AS sellers
                FROM supplier_products AS s
                JOIN (SELECT DISTINCT asin, seller_id FROM {LatestOffers}) AS l ON {SameAsin("l.asin", "s.asin")}
                GROUP BY s.distributor) AS b ON b.distributor = a.distributor
            """,
        "matched_asins DESC, distributor",
        null);

    public static readonly MartDefinition BestSellers = new(
        "best_sellers",
        "Offers of the latest snapshots by monthly demand (the lower bound of \"N+ bought in past month\")",
        [
            new("asin", "varchar"), new("product_title", "varchar"), new("seller_id", "varchar"), new("sales_volume", "bigint"),
            new("product_price", "double"), new("product_star_rating", "double"), new("product_num_ratings", "bigint"), new("is_best_seller", "boolean"),
        ],
        ["seller_offers", "seller_snapshots"],
        sql => $"""
            SELECT l.asin, l.product_title, l.seller_id, l.sales_volume, l.product_price, l.product_star_rating,
                   l.product_num_ratings, l.is_best_seller
            FROM {LatestOffers}
            WHERE l.sales_volume IS NOT NULL
            """,
        "sales_volume DESC, product_num_ratings DESC NULLS LAST, asin, seller_id",
        10);

    /// <summary>ASINs match whatever their case: an ASIN names one product however it is written, and a distributor's
    /// sheet typed in lower case matched none of the seller's upper-case ASINs, so every count was silently 0. The
    /// counts of ASINs count them ignoring case too, or one written in two cases counted twice.</summary>
    private static string SameAsin(string a, string b) => $"UPPER({a}) = UPPER({b})";

    public static IReadOnlyList<MartDefinition> All { get; } = [AsinMatches, SellersByMatches, DistributorsByMatches, BestSellers];
}
