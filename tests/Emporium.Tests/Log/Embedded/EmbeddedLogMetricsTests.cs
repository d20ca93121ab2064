using System.Globalization;
using Emporium.Diagnostics;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log.Embedded;

public sealed class EmbeddedLogMetricsTests
{
    [Fact]
    public async Task MetricsReportTheLogCountersAndTheSizeOnDisk()
    {
        using var dir = new TempDir("log");
        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        await log.EnsureTopicAsync("t", 1, CancellationToken.None);
        await log.AppendAsync("t", [Message("a", "one"), Message("b", "two")], CancellationToken.None);
        await log.AppendAsync("t", [Message("c", "three")], CancellationToken.None);
        var writer = new PrometheusWriter();

        new EmbeddedLogMetrics(log).Write(writer);

        var samples = writer.ToString().Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .ToDictionary(l => l.Split(' ')[0], l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));
        var onDisk = SegmentFiles(dir.Path, "t", 0).Sum(RecordBytes);
        Assert.Equal(2, samples["emporium_log_appends_total"]);
        Assert.Equal(3, samples["emporium_log_records_appended_total"]);
        Assert.Equal(onDisk, samples["emporium_log_bytes_appended_total"]);
        Assert.Equal(onDisk, samples["emporium_log_stored_bytes"]);
        Assert.Equal(2, samples["emporium_log_fsyncs_total"]);
    }
}
