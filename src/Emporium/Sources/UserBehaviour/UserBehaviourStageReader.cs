using System.Globalization;
using Sylvan.Data.Csv;

namespace Emporium.Sources.UserBehaviour;

/// <summary>Reads the two stage files the metric joins: the <c>user_purchase</c> extract and the classified reviews.</summary>
public static class UserBehaviourStageReader
{
    /// <summary>Purchase lines with a customer id; rows without one (guest checkouts in the sample) are not returned.
    /// A line whose quantity or unit price is empty (NULL in the source table) adds nothing to the amount, as the seed's
    /// <c>SUM(quantity * unit_price)</c> leaves it out, but its customer still bought that day; it is returned with a
    /// zero amount and counted in <see cref="PurchaseLines.WithoutAmount"/>. A value that is not a number fails the read,
    /// naming the row and column.</summary>
    public static async Task<PurchaseLines> ReadPurchasesAsync(Stream csv, CancellationToken ct)
    {
        var result = new List<CustomerPurchase>();
        int withoutCustomer = 0, withoutAmount = 0;
        using var text = new StreamReader(csv);
        await using var reader = await CsvDataReader.CreateAsync(text);
        int customer = Ordinal(reader, "customer_id"), quantity = Ordinal(reader, "quantity"), price = Ordinal(reader, "unit_price");
        var row = 0;
        while (await reader.ReadAsync(ct))
        {
            row++;
            var id = Number(reader, customer, row);
            if (id is null)
            {
                withoutCustomer++;
                continue;
            }
            var (q, p) = (Number(reader, quantity, row), Number(reader, price, row));
            if (q is null || p is null)
            {
                withoutAmount++;
                result.Add(new CustomerPurchase(Integer(reader, customer, id.Value, row), 0, 0));
                continue;
            }
            result.Add(new CustomerPurchase(Integer(reader, customer, id.Value, row), Integer(reader, quantity, q.Value, row), p.Value));
        }
        return new PurchaseLines(result, withoutCustomer, withoutAmount);
    }

    /// <summary>The columns of <c>user_purchase</c> the metric reads; a <c>pg_query</c> must return them by these names.</summary>
    public static IReadOnlyList<string> PurchaseColumns { get; } = ["customer_id", "quantity", "unit_price"];

    /// <summary>Fails when the stage file lacks a column the metric reads, naming it and the columns it has: the
    /// extract checks this at once, rather than the metric failing two tasks later.</summary>
    public static async Task CheckPurchaseColumnsAsync(Stream csv, CancellationToken ct)
    {
        using var text = new StreamReader(csv);
        await using var reader = await CsvDataReader.CreateAsync(text, cancel: ct);
        foreach (var name in PurchaseColumns)
        {
            Ordinal(reader, name);
        }
    }

    private static int Ordinal(CsvDataReader reader, string name)
    {
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var ordinal = names.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
        return ordinal >= 0
            ? ordinal
            : throw new InvalidDataException(
                $"user_purchase has no column '{name}' (its columns: {string.Join(", ", names)}); the metric reads {string.Join(", ", PurchaseColumns)}");
    }

    private static decimal? Number(CsvDataReader reader, int column, int row)
    {
        var value = reader.GetString(column);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        return decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidDataException($"user_purchase row {row}: {reader.GetName(column)} is not a number: \"{value}\"");
    }

    /// <summary>A whole number, as an integer or numeric column writes it (<c>17850</c>, <c>17850.0</c>, <c>6.000</c>).</summary>
    private static long Integer(CsvDataReader reader, int column, decimal value, int row) =>
        decimal.Truncate(value) == value
            ? (long)value
            : throw new InvalidDataException($"user_purchase row {row}: {reader.GetName(column)} is not a whole number: {value.ToString(CultureInfo.InvariantCulture)}");

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
