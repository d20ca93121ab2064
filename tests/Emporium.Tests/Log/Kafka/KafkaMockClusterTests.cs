using System.Net;
using System.Text;
using Emporium.Datasets;
using Emporium.Log.Kafka;
using Emporium.Tests.Cli;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Log.Kafka;

/// <summary>The mock cluster serves other processes too, as several <c>emporium up</c> processes need.</summary>
[Collection(HeavyEndToEnd.Name)]
public sealed class KafkaMockClusterTests(KafkaMockCluster kafka) : IClassFixture<KafkaMockCluster>
{
    [Fact]
    public async Task AnEmporiumProcessAppendsToTheClusterOfThisProcessThroughItsAddress()
    {
        kafka.CreateTopics(DatasetCatalog.Streamed.Select(d => d.Name), 2);
        using var dir = new TempDir("kafka-child");
        var lines = File.ReadLines(SampleData.CategoriesJsonLines).Where(l => l.Length > 0).Take(20).ToList();
        await using (var server = await ServerProcess.StartAsync(dir.Path, TimeSpan.FromSeconds(90), "--log", kafka.Address + "?partitions=2"))
        {
            using var http = new HttpClient { BaseAddress = new Uri(server.Url + "/") };
            foreach (var line in lines)
            {
                using var response = await http.PostAsync("Category", new StringContent(line, Encoding.UTF8, "application/json"));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            }
        }

        await using var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = kafka.BootstrapServers });
        var ends = await log.GetEndOffsetsAsync(DatasetCatalog.Categories.Name, CancellationToken.None);
        Assert.Equal(lines.Count, ends.Values.Sum());
    }
}
