using System.Globalization;
using System.Text;
using Emporium.Sources.UserBehaviour;
using Emporium.Tests.Sources.Postgres;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Sources.UserBehaviour;

public sealed class UserBehaviourStageReaderTests
{
    // Rows a seed-shaped table can hold beyond the sample: NULL quantity, NULL unit price (COPY writes both as empty),
    // and numeric(…,3) columns, whose COPY text is 6.000.
    private const string ExtraLines = """
        536999,85123B,NO QUANTITY,,2010-12-02 10:00:00,2.550,17850,United Kingdom
        536999,85123C,NO PRICE,4,2010-12-02 10:00:00,,99999,United Kingdom
        536999,85123A,NUMERIC QUANTITY,6.000,2010-12-02 10:00:00,2.550,17850,United Kingdom

        """;

    private static MemoryStream SampleWith(string extra) =>
        new(Encoding.UTF8.GetBytes(File.ReadAllText(SampleData.UserPurchase).TrimEnd('\n', '\r') + "\n" + extra.Replace("\r\n", "\n")));

    [Fact]
    public async Task Lines_without_quantity_or_price_add_nothing_but_keep_their_customer()
    {
        var read = await UserBehaviourStageReader.ReadPurchasesAsync(SampleWith(ExtraLines), CancellationToken.None);

        // Independent totals: the raw sample's lines with a customer, plus the one extra line that has an amount.
        var sample = PostgresExtractorTests.ReadCsv(SampleData.UserPurchase);
        var expected = sample
            .Where(r => !string.IsNullOrEmpty(r["customer_id"]))
            .Select(r => (Id: long.Parse(r["customer_id"]!, CultureInfo.InvariantCulture), Amount: long.Parse(r["quantity"]!, CultureInfo.InvariantCulture) * decimal.Parse(r["unit_price"]!, CultureInfo.InvariantCulture)))
            .Append((Id: 17850L, Amount: 6 * 2.55m))
            .Append((Id: 99999L, Amount: 0m))
            .GroupBy(x => x.Id)
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Amount));
        var actual = read.Lines.GroupBy(l => l.CustomerId).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity * l.UnitPrice));

        Assert.Equal(expected.OrderBy(kv => kv.Key), actual.OrderBy(kv => kv.Key));
        Assert.Equal(sample.Count(r => string.IsNullOrEmpty(r["customer_id"])), read.WithoutCustomer);
        Assert.Equal(16, read.WithoutCustomer);
        Assert.Equal(2, read.WithoutAmount);
    }

    [Theory]
    [InlineData("536999,85123A,X,4,2010-12-02 10:00:00,n/a,17850,United Kingdom", "user_purchase row 1394: unit_price is not a number: \"n/a\"")]
    [InlineData("536999,85123A,X,4.5,2010-12-02 10:00:00,2.55,17850,United Kingdom", "user_purchase row 1394: quantity is not a whole number: 4.5")]
    public async Task A_value_that_is_not_a_number_names_its_row_and_column(string line, string message)
    {
        var error = await Assert.ThrowsAsync<InvalidDataException>(() =>
            UserBehaviourStageReader.ReadPurchasesAsync(SampleWith(line + "\n"), CancellationToken.None));

        Assert.Equal(message, error.Message);
    }
}
