using Emporium.Batch.Formats;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Formats;

public sealed class WorkbookReadTests
{
    [Fact]
    public async Task OnlineRetailWorkbookWrittenFromTheCsvReadsBackTheSameRows()
    {
        using var dir = new TempDir("batch");
        var csvRows = ParseCsv(SampleData.OnlineRetail, out var header);
        var xlsx = dir.Combine("Online Retail.xlsx");
        WriteXlsx(xlsx, header, csvRows, new HashSet<string> { "InvoiceDate" });

        var outcome = await ReadAllAsync(xlsx);

        Assert.Equal(FileFormat.Xlsx, outcome.Format);
        Assert.Equal(csvRows.Count, outcome.Rows.Count);
        Assert.All(outcome.Rows, r => Assert.Null(r.Error));
        // Excel stores 17850.0 as the number 17850: it must come back without a fraction.
        var customer = Array.IndexOf(header, "CustomerID");
        Assert.Equal(
            csvRows.Select(r => r[customer] is { } c ? ((long)double.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture) : null),
            outcome.Rows.Select(r => r.Text("CustomerID")));
        var date = Array.IndexOf(header, "InvoiceDate");
        Assert.Equal(csvRows.Select(r => r[date]), outcome.Rows.Select(r => r.Text("InvoiceDate")));
        var description = Array.IndexOf(header, "Description");
        Assert.Equal(csvRows.Select(r => r[description]), outcome.Rows.Select(r => r.Text("Description")));
        Assert.Equal(2, outcome.Rows[0].Position.Line);
    }
}
