using System.Globalization;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Demo;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Demo;

public sealed class DemoFileWriterTests
{
    public static TheoryData<string, string> DatasetsAndFormats()
    {
        var data = new TheoryData<string, string>();
        foreach (var dataset in DemoGenerators.Datasets)
        {
            data.Add(dataset, ".csv");
            data.Add(dataset, ".ndjson");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(DatasetsAndFormats))]
    public void EveryGeneratedRowPassesTheNormalizer(string dataset, string extension)
    {
        using var dir = new TempDir("demo");
        var path = dir.Combine(dataset + extension);
        var schema = DatasetCatalog.Find(dataset)!;

        var written = DemoFileWriter.Write(DemoGenerators.Create(dataset, 3000), 3000, path);

        var results = extension == ".csv"
            ? SampleRows.Csv(path).Select(r => RecordNormalizer.Instance.Normalize(schema, r)).ToList()
            : SampleRows.JsonLines(path).Select(e => RecordNormalizer.Instance.Normalize(schema, e)).ToList();
        Assert.Equal(written, results.Count);
        Assert.Equal(dataset == "categories" ? CategoryNames.All.Count : 3000, written);
        Assert.All(results, r => Assert.True(r.IsValid, string.Join("; ", r.Errors)));
        // The file holds what the generator made: it normalizes to what the generated records normalize to.
        var expected = DemoGenerators.Records(dataset, 3000)
            .Select(r => RecordNormalizer.Instance.Normalize(schema, JsonDocument.Parse(CanonicalJson.Serialize(r)).RootElement).Record!)
            .ToList();
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(Canonical(expected[i]), Canonical(results[i].Record!));
        }
    }

    [Fact]
    public void SameSeedSameBytesOtherSeedOtherData()
    {
        using var dir = new TempDir("demo");
        DemoFileWriter.Write(DemoGenerators.Create("orders", 2000, new DemoOptions(7)), 2000, dir.Combine("a.csv"));
        DemoFileWriter.Write(DemoGenerators.Create("orders", 2000, new DemoOptions(7)), 2000, dir.Combine("b.csv"));
        DemoFileWriter.Write(DemoGenerators.Create("orders", 2000, new DemoOptions(8)), 2000, dir.Combine("c.csv"));

        Assert.Equal(File.ReadAllBytes(dir.Combine("a.csv")), File.ReadAllBytes(dir.Combine("b.csv")));
        Assert.NotEqual(File.ReadAllBytes(dir.Combine("a.csv")), File.ReadAllBytes(dir.Combine("c.csv")));
    }

    [Fact]
    public void UnknownExtensionIsRefusedAndWritesNothing()
    {
        using var dir = new TempDir("demo");

        var error = Assert.Throws<ArgumentException>(() => DemoFileWriter.Write(DemoGenerators.Create("products", 10), 10, dir.Combine("p.txt")));

        Assert.Contains(".csv", error.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void CancelledRunLeavesNoFile()
    {
        using var dir = new TempDir("demo");
        using var cts = new CancellationTokenSource();
        var path = dir.Combine("p.csv");

        Assert.ThrowsAny<OperationCanceledException>(() =>
            DemoFileWriter.Write(DemoGenerators.Create("products", 1_000_000), 1_000_000, path, n =>
            {
                if (n >= 20_000)
                {
                    cts.Cancel();
                }
            }, cts.Token));

        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void ProgressReachesTheRowCount()
    {
        using var dir = new TempDir("demo");
        var seen = new List<long>();

        DemoFileWriter.Write(DemoGenerators.Create("reviews", 20_000), 20_000, dir.Combine("r.ndjson"), seen.Add);

        Assert.Equal(20_000, seen[^1]);
        Assert.Equal(seen.OrderBy(n => n), seen);
        Assert.Equal(20_000, File.ReadLines(dir.Combine("r.ndjson")).Count());
    }

    private static string Canonical(CanonicalRecord record) =>
        string.Join('|', record.Values.Select(v => v switch
        {
            DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            _ => Convert.ToString(v, CultureInfo.InvariantCulture),
        }));
}
