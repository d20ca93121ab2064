using Emporium.Cli.Commands;
using Emporium.Cli.Commands.Client;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Commands;

public class SendCommandTests
{
    [Fact]
    public async Task SendingTheSameFileTwiceAppendsItOnce()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var path = SampleData.CategoriesJsonLines;
        var expectedIds = File.ReadLines(path).Where(l => l.Length > 0)
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt64()).ToList();

        var first = await SendCommand.SendAsync(host.Client, path, SendFileReader.Detect(path), "categories", 50, TextWriter.Null, CancellationToken.None);
        var second = await SendCommand.SendAsync(host.Client, path, SendFileReader.Detect(path), "categories", 50, TextWriter.Null, CancellationToken.None);

        Assert.Equal(expectedIds.Count, first.Accepted);
        Assert.Equal(first, second with { FirstErrors = first.FirstErrors });
        Assert.Equal((expectedIds.Count + 49) / 50, first.Batches);
        var appended = log.Messages("categories").Select(m => (long)CanonicalJson.Deserialize(DatasetCatalog.Categories, m.Value.Span)["id"]!).ToList();
        Assert.Equal(expectedIds, appended);
    }

    [Fact]
    public async Task RejectedRecordsAreCountedWithTheirFileRecordNumber()
    {
        using var dir = new TempDir("send");
        var file = dir.Combine("orders.json");
        File.WriteAllText(file, """[{"invoice_no":"1","quantity":1,"unit_price":2.0},{"invoice_no":"2","quantity":"x","unit_price":2.0},{"invoice_no":"3","quantity":3,"unit_price":1.0}]""");
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var summary = await SendCommand.SendAsync(host.Client, file, SendFileReader.Detect(file), "orders", 2, TextWriter.Null, CancellationToken.None);
        Assert.Equal(2, summary.Accepted);
        Assert.Equal(1, summary.Rejected);
        Assert.Equal((2L, "quantity"), (summary.FirstErrors[0].Record, summary.FirstErrors[0].Field));
        Assert.Equal(2, log.Messages("orders").Count);
    }

    [Fact]
    public void CsvRowsBecomeObjectsWithNullForEmptyFields()
    {
        using var dir = new TempDir("csv");
        var file = dir.Combine("x.csv");
        File.WriteAllText(file, "InvoiceNo,Description,CustomerID\n536365,\"WHITE, HANGING\",\n");
        var rows = SendFileReader.ReadAsync(file, SendFileReader.Detect(file), CancellationToken.None).ToBlockingEnumerable().ToList();
        var row = System.Text.Json.JsonDocument.Parse(Assert.Single(rows)).RootElement;
        Assert.Equal("WHITE, HANGING", row.GetProperty("Description").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, row.GetProperty("CustomerID").ValueKind);
    }
}
