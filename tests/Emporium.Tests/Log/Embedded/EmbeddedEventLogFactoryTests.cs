using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log.Embedded;

public sealed class EmbeddedEventLogFactoryTests
{
    [Fact]
    public async Task TheDefaultLogAddressOpensAnEmbeddedLogUnderTheDataDir()
    {
        using var dir = new TempDir("log");
        var options = new EmporiumOptions { DataDir = dir.Path, Partitions = 3 };

        await using (var log = await BackendRegistry.CreateAsync<IEventLog>(BackendAddresses.ForLog(options), options, CancellationToken.None))
        {
            Assert.IsType<EmbeddedEventLog>(log);
            await log.AppendAsync("auto", [Message("k", "v")], CancellationToken.None);
            Assert.Equal(3, (await log.GetEndOffsetsAsync("auto", CancellationToken.None)).Count);
        }

        Assert.True(File.Exists(dir.Combine("log", "topics", "auto", "topic.json")));
    }

    [Fact]
    public async Task Retention_and_segment_size_come_from_the_address_and_retention_deletes_by_them()
    {
        using var dir = new TempDir("log");
        var options = new EmporiumOptions { DataDir = dir.Path, Partitions = 1, Log = $"embedded:{dir.Combine("log")}?segment_bytes=4KB&retention_bytes=8KB&retention=12h" };

        await using (var log = await BackendRegistry.CreateAsync<IEventLog>(BackendAddresses.ForLog(options), options, CancellationToken.None))
        {
            var embedded = Assert.IsType<EmbeddedEventLog>(log);
            Assert.Equal(TimeSpan.FromHours(12), embedded.Options.Retention.MaxAge);
            await using var consumer = log.OpenConsumer("reader", ["t"]);
            for (var i = 0; i < 100; i++)
            {
                await log.AppendAsync("t", [Message("k", new string('x', 400))], CancellationToken.None);
            }
            var tp = new TopicPartition("t", 0);
            await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [tp] = 100 }, CancellationToken.None);

            Assert.True(embedded.GetSegments(tp).Count > 3);
            Assert.True(await embedded.ApplyRetentionAsync(CancellationToken.None) > 0);
            Assert.True(embedded.GetSegments(tp).Sum(s => s.Bytes) <= 8192 + 4096);
            Assert.True(embedded.GetStartOffsets("t")[tp] > 0);
        }

        // The parameters are settings, not part of the folder's name.
        Assert.True(File.Exists(dir.Combine("log", "topics", "t", "topic.json")));
        Assert.Equal(["log"], Directory.GetDirectories(dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("retention=1week", "retention must be a duration such as 30m, 12h or 7d, or 'forever', not '1week'")]
    [InlineData("retention_bytes=lots", "retention_bytes must be a size per partition such as 512MB or 10GB, or 'none', not 'lots'")]
    [InlineData("segment_bytes=100", "segment_bytes must be a size of at least 4KB such as 64MB, not '100'")]
    [InlineData("retension=1d", "unknown parameter 'retension'")]
    [InlineData("retention=", "parameter 'retention' has no value")]
    public async Task A_bad_parameter_is_refused_by_name_before_anything_is_created(string parameter, string reason)
    {
        using var dir = new TempDir("log");
        var options = new EmporiumOptions { DataDir = dir.Path, Log = $"embedded:{dir.Combine("log")}?{parameter}" };

        var e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await BackendRegistry.CreateAsync<IEventLog>(BackendAddresses.ForLog(options), options, CancellationToken.None));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetDirectories(dir.Path));
    }

    [Fact]
    public async Task Forever_keeps_every_segment_and_default_keeps_seven_days()
    {
        using var dir = new TempDir("log");
        var forever = new EmporiumOptions { DataDir = dir.Path, Log = $"embedded:{dir.Combine("a")}?retention=forever" };
        var standard = new EmporiumOptions { DataDir = dir.Path, Log = $"embedded:{dir.Combine("b")}?retention=default&segment_bytes=default" };

        await using var a = Assert.IsType<EmbeddedEventLog>(await BackendRegistry.CreateAsync<IEventLog>(BackendAddresses.ForLog(forever), forever, CancellationToken.None));
        await using var b = Assert.IsType<EmbeddedEventLog>(await BackendRegistry.CreateAsync<IEventLog>(BackendAddresses.ForLog(standard), standard, CancellationToken.None));

        Assert.Null(a.Options.Retention.MaxAge);
        Assert.Equal(TimeSpan.FromDays(7), b.Options.Retention.MaxAge);
        Assert.Equal(64L << 20, b.Options.SegmentBytes);
    }
}
