using System.Text.Json;
using Emporium.Datasets;
using Emporium.Demo;
using Emporium.Ingest;

namespace Emporium.Cli.Hosting;

/// <summary>Fills an empty data dir with generated demo data (<c>up --demo</c>) through the ingest pipeline — the same
/// normalize → log → processor path HTTP records take — so the marts and dashboard have something to show.</summary>
public static class DemoSeeder
{
    /// <summary>Rows per dataset; categories are a fixed list.</summary>
    public static readonly IReadOnlyDictionary<string, long> Rows = new Dictionary<string, long>
    {
        ["categories"] = 1000,
        ["products"] = 2000,
        ["reviews"] = 5000,
        ["orders"] = 20000,
    };

    private const int BatchSize = 2000;

    public static async Task SeedIfEmptyAsync(EmporiumHost host, TextWriter output, CancellationToken ct)
    {
        var services = host.App.Services;
        if (services.GetService<IngestPipeline>() is not { } pipeline || host.Backends.Log is not { } log)
        {
            output.WriteLine("  demo:      skipped: ingest is not available in this server");
            return;
        }
        foreach (var dataset in DatasetCatalog.All)
        {
            if ((await log.GetEndOffsetsAsync(dataset.Name, ct)).Values.Any(end => end > 0))
            {
                output.WriteLine("  demo:      skipped: the data dir already holds data");
                return;
            }
        }
        foreach (var dataset in DatasetCatalog.All)
        {
            var batch = new List<InputRecord>(BatchSize);
            long accepted = 0;
            foreach (var record in DemoGenerators.Records(dataset.Name, Rows[dataset.Name]))
            {
                batch.Add(InputRecord.Parsed(batch.Count, JsonSerializer.Deserialize<JsonElement>(CanonicalJson.Serialize(record))));
                if (batch.Count == BatchSize)
                {
                    accepted += (await pipeline.IngestAsync(dataset, batch, "demo", ct)).Accepted;
                    batch.Clear();
                }
            }
            if (batch.Count > 0)
            {
                accepted += (await pipeline.IngestAsync(dataset, batch, "demo", ct)).Accepted;
            }
            output.WriteLine($"  demo:      {accepted} {dataset.Name} generated");
        }
        output.Flush();
    }
}
