using Emporium.Datasets;

namespace Emporium.Demo;

/// <summary>Order lines of a gift wholesaler, shaped like UCI Online Retail: invoices of 1–40 lines numbered upwards
/// from 536365, about 2% cancellations (invoice "C…", negative quantities), a fixed item catalog with stable stock
/// codes, descriptions and unit prices, pack-size quantities, repeat customers with a home country (mostly the UK),
/// a quarter of invoices without a customer id, and invoice times in business hours advancing over the demo days.</summary>
public sealed class OrderGenerator : IDemoGenerator
{
    private const int CatalogItems = 3000;
    private const int Customers = 4000;
    private const long FirstInvoice = 536365;
    private const long FirstCustomer = 12346;

    private static readonly long[] Quantities = [1, 2, 3, 4, 6, 8, 10, 12, 24, 48, 96];
    private static readonly double[] QuantityWeights = DemoRandom.Cumulative(14, 12, 8, 8, 14, 6, 8, 18, 7, 3, 2);
    private static readonly double[] CountryWeights = DemoRandom.Cumulative(Vocabulary.Countries.Select(c => c.Weight).ToArray());

    private readonly DemoOptions _options;
    private readonly DemoRandom _random;
    private readonly double _daysPerRow;
    private readonly (string Code, string Description, double Price)[] _items;
    private readonly string[] _customerCountry;
    private long _index;
    private long _invoice = FirstInvoice - 1;
    private int _linesLeft;
    private string _invoiceNo = "";
    private bool _cancelled;
    private long? _customer;
    private string _country = "";
    private DateTime _invoiceDate;

    public OrderGenerator(DemoOptions options, long plannedRows)
    {
        _options = options;
        _random = new DemoRandom(options.Seed ^ 0x4F524445); // "ORDE"
        _daysPerRow = options.Days / (double)Math.Max(1, plannedRows);
        var catalog = new DemoRandom(options.Seed ^ 0x434154); // "CAT": the catalog does not depend on the row count
        var codes = new HashSet<string>(StringComparer.Ordinal);
        _items = new (string, string, double)[CatalogItems];
        for (var i = 0; i < CatalogItems; i++)
        {
            string code;
            do
            {
                code = (10000 + catalog.Next(80000)).ToString(System.Globalization.CultureInfo.InvariantCulture)
                       + (catalog.Chance(0.2) ? ((char)('A' + catalog.Next(6))).ToString() : "");
            }
            while (!codes.Add(code));
            var description = $"{catalog.Pick(Vocabulary.OrderColors)} {catalog.Pick(Vocabulary.OrderPatterns)} {catalog.Pick(Vocabulary.OrderItems)}";
            // The source keeps stray trailing spaces on some descriptions; so does the demo.
            _items[i] = (code, catalog.Chance(0.05) ? description + " " : description, catalog.Pick(Vocabulary.OrderPrices));
        }
        _customerCountry = new string[Customers];
        for (var i = 0; i < Customers; i++)
        {
            _customerCountry[i] = Vocabulary.Countries[catalog.PickWeighted(CountryWeights)].Name;
        }
    }

    public DatasetSchema Schema => DatasetCatalog.Orders;

    public long? MaxRows => null;

    public void Next(object?[] values)
    {
        var r = _random;
        if (_linesLeft == 0)
        {
            StartInvoice(r);
        }
        _linesLeft--;
        var item = _items[r.NextSkewed(CatalogItems, 0.8)];
        var quantity = Quantities[r.PickWeighted(QuantityWeights)];

        values[0] = _invoiceNo;
        values[1] = item.Code;
        values[2] = item.Description;
        values[3] = _cancelled ? -quantity : quantity;
        values[4] = _invoiceDate;
        values[5] = item.Price;
        values[6] = _customer;
        values[7] = _country;
        _index++;
    }

    private void StartInvoice(DemoRandom r)
    {
        _invoice++;
        _cancelled = r.Chance(0.02);
        _invoiceNo = (_cancelled ? "C" : "") + _invoice.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _linesLeft = _cancelled ? 1 + r.Next(3) : 1 + (int)Math.Min(39, Math.Floor(-Math.Log(1 - r.NextDouble()) * 12));
        var guest = !_cancelled && r.Chance(0.25);
        var customer = r.NextSkewed(Customers, 0.6);
        _customer = guest ? null : FirstCustomer + customer;
        _country = guest ? "United Kingdom" : _customerCountry[customer];
        // Business hours (08:00–18:00) of the day this row falls on; whole minutes, as the source records them.
        var position = Math.Clamp(_index * _daysPerRow, 0, _options.Days - 1e-6);
        var day = Math.Floor(position);
        _invoiceDate = _options.At(day, 60L * (long)Math.Floor(8 * 60 + (position - day) * 10 * 60));
    }
}
