using System.Globalization;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Loading;

/// <summary>Real-world exports in shapes the samples do not have (old line ends, cover sheets, empty result pages),
/// loaded end to end: their good rows land, and a file that holds no usable table is refused with its reason.</summary>
public sealed class OddFileLoadTests
{
    [Fact]
    public async Task A_cr_only_export_of_the_online_retail_sample_loads_every_row()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.OnlineRetail, out var header);
        var quantity = Array.IndexOf(header, "Quantity");
        // Classic Mac OS line ends: a lone CR after each record, no LF anywhere.
        var path = h.Combine("online_retail_mac.csv");
        File.WriteAllText(path, File.ReadAllText(SampleData.OnlineRetail).Replace("\r\n", "\n").Replace('\n', '\r'));

        var summary = await h.LoadAsync(DatasetCatalog.Orders, path);

        var file = Assert.Single(summary.Files);
        Assert.Null(file.Error);
        Assert.Equal(FileLoadStatus.Loaded, file.Status);
        Assert.Equal(rows.Count, file.RowsLoaded);
        Assert.Equal(rows.Sum(r => long.Parse(r[quantity]!, CultureInfo.InvariantCulture)), await h.CountAsync("SELECT sum(quantity) FROM orders"));
    }
}
