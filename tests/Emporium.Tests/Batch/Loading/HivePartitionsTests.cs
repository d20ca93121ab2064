using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
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

    /// <summary>Order lines without a country, as a partitioned export writes them.</summary>
    private static readonly string[] Part =
    [
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID",
        "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850",
        "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850",
        "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,17850",
    ];

    private static string WritePartitions(BatchHarness h, params string[] countries)
    {
        var root = h.Combine("export");
        foreach (var country in countries)
        {
            Directory.CreateDirectory(Path.Combine(root, $"Country={country}"));
            File.WriteAllLines(Path.Combine(root, $"Country={country}", "part-0.csv"), Part);
        }
        return root;
    }

    private static async Task<List<(string?, long)>> CountriesAsync(BatchHarness h) =>
        (await h.RowsAsync("SELECT country, count(*) FROM orders GROUP BY country ORDER BY country"))
            .Select(r => ((string?)r[0], Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture))).ToList();

    /// <summary>Two partitions whose files have the same bytes are two loads: the second used to be skipped as "the
    /// same content" and its rows never landed. Loading the folder again changes nothing; --force replaces each
    /// partition's own rows, in the warehouse and in the clean zone.</summary>
    [Fact]
    public async Task Identical_files_in_two_partition_folders_both_load_once()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = WritePartitions(h, "France", "Spain");
        List<(string?, long)> expected = [("france", 3), ("spain", 3)];

        var first = await h.Loader.LoadAsync(new LoadSpec([root], "orders").Resolve(), null, CancellationToken.None);

        Assert.All(first.Files, f => Assert.Equal(FileLoadStatus.Loaded, f.Status));
        Assert.Equal(expected, await CountriesAsync(h));

        var again = await h.Loader.LoadAsync(new LoadSpec([root], "orders").Resolve(), null, CancellationToken.None);
        Assert.All(again.Files, f => Assert.Equal(FileLoadStatus.Skipped, f.Status));
        Assert.Contains(again.Files, f => f.Warnings.Any(w => w.Contains("Country=Spain", StringComparison.Ordinal)));
        Assert.Equal(expected, await CountriesAsync(h));

        var forced = await h.Loader.LoadAsync(new LoadSpec([root], "orders", Force: true).Resolve(), null, CancellationToken.None);
        Assert.All(forced.Files, f => Assert.Equal(FileLoadStatus.Loaded, f.Status));
        Assert.Equal(expected, await CountriesAsync(h));
        var clean = await h.VisibleAsync("orders", LakeLayout.Clean);
        var lakeRows = await LakeParquet.QueryAsync(h.LakeStore, clean, "country, count(*)", "GROUP BY country ORDER BY country");
        Assert.Equal(expected, lakeRows.Select(r => ((string?)r[0], Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture))).ToList());
    }

    /// <summary>The same holds for <c>--set</c>: one file loaded for two countries is two loads, each skipped when
    /// repeated, even spelt otherwise: the values count as the cleaning stores them (countries are trimmed and lower-cased).</summary>
    [Fact]
    public async Task One_file_loaded_with_two_set_values_loads_twice_and_each_once()
    {
        await using var h = await BatchHarness.StartAsync();
        var file = h.Combine("part-0.csv");
        File.WriteAllLines(file, Part);
        LoadSpec For(string country) => new([file], "orders", Set: new Dictionary<string, string> { ["country"] = country });

        var statuses = new List<FileLoadStatus>();
        foreach (var country in new[] { "France", "Spain", "France", " FRANCE " })
        {
            statuses.Add((await h.Loader.LoadAsync(For(country).Resolve(), null, CancellationToken.None)).Files[0].Status);
        }

        Assert.Equal([FileLoadStatus.Loaded, FileLoadStatus.Loaded, FileLoadStatus.Skipped, FileLoadStatus.Skipped], statuses);

        Assert.Equal([("france", 3), ("spain", 3)], await CountriesAsync(h));
    }

    /// <summary>Content recorded without its added values (loaded on its own, or by a version that left them out of the
    /// identity and skipped the second partition) is not loaded again unasked under values: which ones its rows got is
    /// not recorded. The warning says so and --force loads it.</summary>
    [Fact]
    public async Task Content_recorded_without_values_is_skipped_with_a_warning_until_forced()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = WritePartitions(h, "France");
        var plain = (await h.Loader.LoadAsync(new LoadSpec([Path.Combine(root, "Country=France", "part-0.csv")], "orders").Resolve(), null, CancellationToken.None)).Files[0];
        Assert.Equal(FileLoadStatus.Loaded, plain.Status);

        var skipped = (await h.Loader.LoadAsync(new LoadSpec([root], "orders").Resolve(), null, CancellationToken.None)).Files[0];
        Assert.Equal(FileLoadStatus.Skipped, skipped.Status);
        Assert.Contains(skipped.Warnings, w => w.Contains("--force", StringComparison.Ordinal) && w.Contains("Country=France", StringComparison.Ordinal));
        Assert.Equal([((string?)null, 3L)], await CountriesAsync(h));

        Assert.Equal(FileLoadStatus.Loaded, (await h.Loader.LoadAsync(new LoadSpec([root], "orders", Force: true).Resolve(), null, CancellationToken.None)).Files[0].Status);
        Assert.Equal([("france", 3L), ((string?)null, 3L)], await CountriesAsync(h));
    }
}
