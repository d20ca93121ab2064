using System.Globalization;
using Sylvan.Data.Csv;

namespace Emporium.Sources.UserBehaviour;

/// <summary>Reads the two stage files the metric joins: the <c>user_purchase</c> extract and the classified reviews.</summary>
public static class UserBehaviourStageReader
{
    /// <summary>Purchase lines with a customer id; rows without one (guest checkouts in the sample) are not returned.</summary>
    public static async Task<IReadOnlyList<CustomerPurchase>> ReadPurchasesAsync(Stream csv, CancellationToken ct)
    {
        var result = new List<CustomerPurchase>();
        using var text = new StreamReader(csv);
        await using var reader = await CsvDataReader.CreateAsync(text);
        int customer = reader.GetOrdinal("customer_id"), quantity = reader.GetOrdinal("quantity"), price = reader.GetOrdinal("unit_price");
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetString(customer);
            if (string.IsNullOrWhiteSpace(id))
            {
                continue;
            }
            result.Add(new CustomerPurchase(
                (long)decimal.Parse(id, NumberStyles.Number, CultureInfo.InvariantCulture),
                long.Parse(reader.GetString(quantity), NumberStyles.Integer, CultureInfo.InvariantCulture),
                decimal.Parse(reader.GetString(price), NumberStyles.Number, CultureInfo.InvariantCulture)));
        }
        return result;
    }

    public static async Task<IReadOnlyList<CustomerReview>> ReadReviewsAsync(Stream csv, CancellationToken ct)
    {
        var result = new List<CustomerReview>();
        using var text = new StreamReader(csv);
        await using var reader = await CsvDataReader.CreateAsync(text);
        int cid = reader.GetOrdinal("cid"), positive = reader.GetOrdinal("positive_review");
        while (await reader.ReadAsync(ct))
        {
            result.Add(new CustomerReview(
                long.Parse(reader.GetString(cid), NumberStyles.Integer, CultureInfo.InvariantCulture),
                bool.Parse(reader.GetString(positive))));
        }
        return result;
    }
}
