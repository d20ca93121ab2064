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
}
