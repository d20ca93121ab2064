using Emporium.Datasets;
using Emporium.Diagnostics;
using Emporium.Processing;

namespace Emporium.Tests.Processing;

/// <summary>The processor's <c>/metrics</c> lines follow the warehouse commits and the lake flushes.</summary>
public sealed class ProcessorMetricsTests
{
    private static string Scrape(StreamProcessor processor)
    {
        var writer = new PrometheusWriter();
        new ProcessorMetrics(processor).Write(writer);
        return writer.ToString();
    }

    [Fact]
    public async Task Lake_lines_show_what_waits_for_the_lake_and_where_it_stands()
    {
        await using var h = await ProcessingHarness.StartAsync(
            new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders], MinBatchInterval = TimeSpan.Zero }, lakeFlushInterval: TimeSpan.FromHours(1));
        await h.AppendAsync(Enumerable.Range(0, 40).Select(TestRecords.Order));
        await h.DrainAsync();
        var ends = await h.Log.GetEndOffsetsAsync("orders", CancellationToken.None);

        var before = Scrape(h.Processor);
        Assert.Contains("emporium_processor_records_total 40\n", before, StringComparison.Ordinal);
        Assert.Contains("emporium_processor_lake_pending_records 40\n", before, StringComparison.Ordinal);
        Assert.Contains("emporium_processor_lake_flushes_total 0\n", before, StringComparison.Ordinal);

        await h.Processor.FlushLakeAsync(CancellationToken.None);
        var after = Scrape(h.Processor);
        Assert.Contains("emporium_processor_lake_pending_records 0\n", after, StringComparison.Ordinal);
        Assert.Contains("emporium_processor_lake_flushes_total 1\n", after, StringComparison.Ordinal);
        Assert.Contains("emporium_processor_lake_records_total 40\n", after, StringComparison.Ordinal);
        foreach (var (tp, end) in ends)
        {
            Assert.Contains($"emporium_processor_lake_offset{{topic=\"orders\",partition=\"{tp.Partition}\"}} {end}\n", after, StringComparison.Ordinal);
        }
    }
}
