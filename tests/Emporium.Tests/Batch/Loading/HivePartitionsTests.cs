using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Loading;

public sealed class HivePartitionsTests
{
    [Fact]
    public void Only_key_value_folders_below_the_root_count_unescaped_and_without_hives_null()
    {
        var root = Path.Combine("/", "exports", "country=Nowhere", "orders");
        var file = Path.Combine(root, "year=2010", "Country=Hong%20Kong", "kind=__HIVE_DEFAULT_PARTITION__", "plain", "part-0.csv");

        var values = HivePartitions.Of(root, file);

        Assert.Equal(new Dictionary<string, string> { ["year"] = "2010", ["Country"] = "Hong Kong" }, values);
        Assert.Empty(HivePartitions.Of(root, Path.Combine(root, "part-0.csv")));
    }

    /// <summary>Folder values fill only the dataset's columns; an explicit --set wins for its column however it spells it.</summary>
    [Fact]
    public void Constants_keep_the_dataset_columns_and_let_set_win()
    {
        var root = Path.Combine("/", "exports");
        var file = Path.Combine(root, "Country=France", "shard=3", "part-0.csv");

        Assert.Equal(new Dictionary<string, string> { ["Country"] = "France" }, HivePartitions.Constants(DatasetCatalog.Orders, root, file, null));
        var withSet = HivePartitions.Constants(DatasetCatalog.Orders, root, file, new Dictionary<string, string> { ["country"] = "Spain" })!;
        Assert.Equal("Spain", Assert.Single(withSet).Value);
        Assert.Null(HivePartitions.Constants(DatasetCatalog.Orders, null, file, null));
    }

    /// <summary>The real UCI orders split as Hive, Spark or DuckDB write them: the country in the folder, not in the rows.
    /// A load used to drop it (every row without a country); each row now takes its folder's, and a file that carries
    /// its own country keeps it.</summary>
    [Fact]
    public async Task A_folder_of_hive_partitions_loads_the_partition_column_into_each_row()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.OnlineRetail, out var header);
        var country = Array.IndexOf(header, "Country");
        // A key=value folder above the given one is where the export lives, not a value of its rows.
        var root = h.Combine("country=Nowhere", "export");
        var withoutCountry = string.Join(',', header.Where((_, i) => i != country));
        var byCountry = rows.GroupBy(r => r[country]!).ToList();
        foreach (var group in byCountry.Where(g => g.Key != "France"))
        {
            var folder = Path.Combine(root, $"Country={group.Key}");
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, "part-0.csv"), [withoutCountry, .. group.Select(r => string.Join(',', r.Where((_, i) => i != country).Select(Csv)))]);
        }
        // This one carries its own Country column: its rows keep their value, not the folder's.
        var own = Path.Combine(root, "Country=Wrong");
        Directory.CreateDirectory(own);
        File.WriteAllLines(Path.Combine(own, "part-0.csv"), [string.Join(',', header), .. byCountry.Single(g => g.Key == "France").Select(r => string.Join(',', r.Select(Csv)))]);

        var resolved = new LoadSpec([root], "orders").Resolve();
        var summary = await h.Loader.LoadAsync(resolved, null, CancellationToken.None);

        Assert.Equal(byCountry.Count, summary.Files.Count);
        Assert.All(summary.Files, f => Assert.Equal(FileLoadStatus.Loaded, f.Status));
        var loaded = (await h.RowsAsync("SELECT country, count(*) FROM orders GROUP BY country ORDER BY country"))
            .Select(r => ((string?)r[0], Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var rejected = summary.Files.Sum(f => f.RowsRejected);
        Assert.Equal(0, rejected);
        // The cleaner lower-cases and trims a country, whichever way it arrived.
        Assert.Equal(byCountry.Select(g => ((string?)g.Key.Trim().ToLowerInvariant(), (long)g.Count())).OrderBy(p => p.Item1, StringComparer.Ordinal), loaded);
    }
}
