using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.EndToEnd;

/// <summary>The foundation's real-sample end-to-end test unchanged on the scale-out backends: Kafka (librdkafka's mock
/// cluster), S3 (moto_server) and a real PostgreSQL 15.</summary>
[Collection(HeavyEndToEnd.Name)]
public sealed class ScaleOutRealSamplesEndToEndTests(KafkaMockCluster kafka, MotoServer moto, PostgresServer postgres)
    : RealSamplesEndToEndTests, IClassFixture<KafkaMockCluster>, IClassFixture<MotoServer>, IClassFixture<PostgresServer>
{
    protected override async Task<Dictionary<string, string?>> BackendSettingsAsync()
    {
        // The mock cluster cannot create topics on request; a real cluster would get them from EnsureTopicAsync.
        kafka.CreateTopics(DatasetCatalog.Streamed.Select(d => d.Name), 4);
        return new Dictionary<string, string?>
        {
            ["Log"] = kafka.Address,
            ["Lake"] = moto.AddressFor(await moto.CreateBucketAsync("e2e")),
            ["Warehouse"] = postgres.AddressFor(await postgres.CreateDatabaseAsync("e2e")),
        };
    }
}
