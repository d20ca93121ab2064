using Emporium.Batch.Landing;
using Emporium.Batch.Loading;
using Emporium.Lake;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Batch.Landing;

public sealed class LandingZoneTests
{
    [Fact]
    public async Task ADroppedFileLoadsOnceCompleteThenLeavesTheLandingZone()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var h = await BatchHarness.StartAsync(time: time);
        var zone = new LandingZone(h.Combine("landing"), h.Loader, time, new LandingOptions { StableFor = TimeSpan.FromSeconds(2) });
        var folder = Directory.CreateDirectory(h.Combine("landing", "categories")).FullName;

        // Still being written: a temp name is ignored, and a growing file is not complete.
        File.Copy(SampleData.CategoriesCsv, Path.Combine(folder, "cats.csv.part"));
        var growing = Path.Combine(folder, "amazon_categories.csv");
        File.WriteAllLines(growing, File.ReadLines(SampleData.CategoriesCsv).Take(100));
        Assert.Empty(await zone.ScanAsync(default));
        time.Advance(TimeSpan.FromSeconds(3));
        File.Copy(SampleData.CategoriesCsv, growing, overwrite: true);
        Assert.Empty(await zone.ScanAsync(default));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM categories"));

        // Unchanged for StableFor: loaded, removed from landing, raw copy under the load day.
        time.Advance(TimeSpan.FromSeconds(3));
        var outcome = Assert.Single(await zone.ScanAsync(default));
        Assert.Equal(FileLoadStatus.Loaded, outcome.Result!.Status);
        Assert.False(File.Exists(growing));
        Assert.Equal(File.ReadLines(SampleData.CategoriesCsv).Count() - 1, await h.CountAsync("SELECT count(*) FROM categories"));
        Assert.Equal("raw/categories/year=2024/month=03/day=01/amazon_categories.csv", outcome.Result.RawPath);
        Assert.True(File.Exists(h.LakeStore.Resolve(outcome.Result.RawPath!)));
        Assert.True(File.Exists(Path.Combine(folder, "cats.csv.part")));

        // The same content dropped again under another name (the writer renamed it into place) is not loaded twice.
        var loadedAt = (await h.RowsAsync("SELECT max(_loaded_at) FROM categories"))[0][0];
        File.Move(Path.Combine(folder, "cats.csv.part"), Path.Combine(folder, "again.csv"));
        await zone.ScanAsync(default);
        time.Advance(TimeSpan.FromSeconds(3));
        var again = Assert.Single(await zone.ScanAsync(default));
        Assert.Equal(FileLoadStatus.Skipped, again.Result!.Status);
        Assert.False(File.Exists(Path.Combine(folder, "again.csv")));
        Assert.Equal(loadedAt, (await h.RowsAsync("SELECT max(_loaded_at) FROM categories"))[0][0]);
    }

    /// <summary>A full disk is not the file's fault: the file stays in landing (not set aside as a bad file, where
    /// nothing would load it again) and loads once, by itself, when the disk has room again.</summary>
    [Fact]
    public async Task A_file_that_meets_a_full_disk_stays_in_landing_and_loads_once_when_there_is_room()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var h = await BatchHarness.StartAsync(time: time);
        var lake = new FullDiskLake(h.LakeStore) { Full = true };
        var loader = new BatchLoader(h.Warehouse, lake, h.Parquet, Emporium.Datasets.RecordNormalizer.Instance, time);
        var zone = new LandingZone(h.Combine("landing"), loader, time, new LandingOptions { StableFor = TimeSpan.FromSeconds(2) });
        var folder = Directory.CreateDirectory(h.Combine("landing", "categories")).FullName;
        var file = Path.Combine(folder, "amazon_categories.csv");
        File.Copy(SampleData.CategoriesCsv, file);
        await zone.ScanAsync(default);
        time.Advance(TimeSpan.FromSeconds(3));

        await Assert.ThrowsAnyAsync<IOException>(() => zone.ScanAsync(default));
        Assert.True(File.Exists(file), "the file was moved out of landing");
        Assert.False(Directory.Exists(h.Combine("landing", LandingZone.RejectedFolder)), "a file set aside for a full disk");
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM categories"));

        lake.Full = false;
        var outcome = Assert.Single(await zone.ScanAsync(default));
        Assert.Equal(FileLoadStatus.Loaded, outcome.Result!.Status);
        Assert.False(File.Exists(file));
        Assert.Equal(File.ReadLines(SampleData.CategoriesCsv).Count() - 1, await h.CountAsync("SELECT count(*) FROM categories"));
        Assert.Equal(await h.CountAsync("SELECT count(DISTINCT id) FROM categories"), await h.CountAsync("SELECT count(*) FROM categories"));
    }

    /// <summary>A lake on a disk that is full while <see cref="Full"/> is set: writes fail as the kernel fails them.</summary>
    internal sealed class FullDiskLake(ILakeStore inner) : ILakeStore
    {
        public bool Full { get; set; }

        public string Describe => inner.Describe;

        public Task WriteAsync(string path, Stream content, CancellationToken ct) =>
            Full ? throw new IOException("No space left on device", 28) : inner.WriteAsync(path, content, ct);

        public Task WriteFileAsync(string path, string localFile, CancellationToken ct) =>
            Full ? throw new IOException("No space left on device", 28) : inner.WriteFileAsync(path, localFile, ct);

        public Task<Stream?> OpenReadAsync(string path, CancellationToken ct) => inner.OpenReadAsync(path, ct);

        public IAsyncEnumerable<LakeObject> ListAsync(string prefix, CancellationToken ct) => inner.ListAsync(prefix, ct);

        public Task DeleteAsync(string path, CancellationToken ct) => inner.DeleteAsync(path, ct);

        public Task<bool> ExistsAsync(string path, CancellationToken ct) => inner.ExistsAsync(path, ct);
    }

    /// <summary>The first scan makes a folder for every dataset load takes, so the zone shows where files go.</summary>
    [Fact]
    public async Task The_first_scan_makes_a_folder_per_dataset()
    {
        var time = new FakeTimeProvider();
        await using var h = await BatchHarness.StartAsync(time: time);
        var zone = new LandingZone(h.Combine("landing"), h.Loader, time);

        Assert.Empty(await zone.ScanAsync(default));

        var folders = Directory.GetDirectories(h.Combine("landing")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(LoadSpec.Loadable.Select(d => d.Name).Order(StringComparer.Ordinal), folders);
        Assert.Contains("seller_offers", folders);
    }

    /// <summary>A file dropped at the top of the landing zone, or into a folder that names no dataset, is left where it
    /// is and the log says once where it belongs.</summary>
    [Fact]
    public async Task A_file_outside_a_dataset_folder_is_left_and_named_once()
    {
        var time = new FakeTimeProvider();
        await using var h = await BatchHarness.StartAsync(time: time);
        var logger = new FakeLogger();
        var zone = new LandingZone(h.Combine("landing"), h.Loader, time, new LandingOptions { StableFor = TimeSpan.Zero }, logger);
        Directory.CreateDirectory(h.Combine("landing", "order"));
        File.Copy(SampleData.CategoriesCsv, h.Combine("landing", "amazon_categories.csv"));
        File.Copy(SampleData.CategoriesCsv, h.Combine("landing", "order", "amazon_categories.csv"));

        Assert.Empty(await zone.ScanAsync(default));
        Assert.Empty(await zone.ScanAsync(default));

        Assert.True(File.Exists(h.Combine("landing", "amazon_categories.csv")));
        Assert.True(File.Exists(h.Combine("landing", "order", "amazon_categories.csv")));
        var warnings = logger.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).Select(r => r.Message).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains(warnings, w => w.StartsWith("landing file amazon_categories.csv is not in a dataset's folder; move it into ", StringComparison.Ordinal)
                                       && w.EndsWith($"/<dataset>/ (datasets: {string.Join(", ", LoadSpec.Loadable.Select(d => d.Name))}); ignored", StringComparison.Ordinal)
                                       && w.Contains("orders, user_behavior_metric, seller_offers", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.StartsWith("landing folder order is not a dataset", StringComparison.Ordinal));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM categories"));
    }

    /// <summary>Every dataset load takes has a landing folder. A seed table's file loads when it carries the required
    /// columns; one that would need --set values is set aside with a reason that says so.</summary>
    [Fact]
    public async Task A_seed_dataset_folder_loads_files_that_carry_its_required_columns_and_says_why_others_need_load_with_set()
    {
        var time = new FakeTimeProvider();
        await using var h = await BatchHarness.StartAsync(time: time);
        var logger = new FakeLogger();
        var zone = new LandingZone(h.Combine("landing"), h.Loader, time, new LandingOptions { StableFor = TimeSpan.Zero }, logger);
        var folder = Directory.CreateDirectory(h.Combine("landing", "seller_offers")).FullName;
        File.WriteAllText(Path.Combine(folder, "offers.csv"), "seller_id,asin,product_price,snapshot_date\nA1,B0001,12.5,2024-01-10\nA1,B0002,3,2024-01-10\n");
        File.Copy(SampleData.SellerSearchResponse, Path.Combine(folder, "search.json"));

        await zone.ScanAsync(default);
        var outcomes = await zone.ScanAsync(default);

        Assert.Equal(FileLoadStatus.Loaded, Assert.Single(outcomes, o => o.File.EndsWith("offers.csv", StringComparison.Ordinal)).Result!.Status);
        Assert.Equal(15.5, Convert.ToDouble((await h.RowsAsync("SELECT sum(product_price) FROM seller_offers WHERE seller_id = 'A1'"))[0][0]));
        var reason = File.ReadAllText(Path.Combine(zone.Root, LandingZone.RejectedFolder, "seller_offers", "search.json.reason.txt"));
        Assert.Contains("missing required columns seller_id, snapshot_date", reason, StringComparison.Ordinal);
        Assert.Contains("a landed file gets no --set values", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Collector.GetSnapshot(), r => r.Message.Contains("not a dataset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadAndDangerousFilesAreSetAsideWithTheirReason()
    {
        var time = new FakeTimeProvider();
        await using var h = await BatchHarness.StartAsync(time: time);
        var zone = new LandingZone(h.Combine("landing"), h.Loader, time);
        var folder = Directory.CreateDirectory(h.Combine("landing", "orders")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "empty.csv"), []);
        File.WriteAllText(Path.Combine(folder, "evil..csv"), "x");
        var outside = h.Combine("secret.csv");
        File.WriteAllText(outside, "InvoiceNo,Quantity,UnitPrice\n1,1,1\n");
        File.CreateSymbolicLink(Path.Combine(folder, "link.csv"), outside);

        var first = await zone.ScanAsync(default);
        time.Advance(TimeSpan.FromSeconds(5));
        var second = await zone.ScanAsync(default);

        // Refused names go at once; the empty file is tried once complete.
        Assert.Equal(2, first.Count);
        Assert.Equal("empty.csv", Path.GetFileName(Assert.Single(second).File));

        var rejected = Path.Combine(zone.Root, LandingZone.RejectedFolder, "orders");
        Assert.Contains("empty", File.ReadAllText(Path.Combine(rejected, "empty.csv.reason.txt")));
        Assert.Contains("..", File.ReadAllText(Path.Combine(rejected, "evil..csv.reason.txt")));
        Assert.Contains("outside the landing zone", File.ReadAllText(Path.Combine(rejected, "link.csv.reason.txt")));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM orders"));
        Assert.True(File.Exists(outside));
        Assert.Empty(Directory.EnumerateFiles(folder));
    }

    [Fact]
    public async Task ARejectedFileDoesNotReplaceAnEarlierRejectedFileOfTheSameName()
    {
        var time = new FakeTimeProvider();
        await using var h = await BatchHarness.StartAsync(time: time);
        var zone = new LandingZone(h.Combine("landing"), h.Loader, time, new LandingOptions { StableFor = TimeSpan.Zero });
        var folder = Directory.CreateDirectory(h.Combine("landing", "orders")).FullName;
        var landed = Path.Combine(folder, "daily.parquet");

        // Refused for its format, so the raw zone never gets a copy: the rejected folder holds the only one.
        File.WriteAllText(landed, "InvoiceNo,Quantity\n1,1\n");
        await zone.ScanAsync(default);
        Assert.Single(await zone.ScanAsync(default));
        File.WriteAllText(landed, "InvoiceNo,Quantity\n2,2\n");
        await zone.ScanAsync(default);
        Assert.Single(await zone.ScanAsync(default));

        var rejected = Path.Combine(zone.Root, LandingZone.RejectedFolder, "orders");
        Assert.Equal("InvoiceNo,Quantity\n1,1\n", File.ReadAllText(Path.Combine(rejected, "daily.parquet")));
        Assert.Equal("InvoiceNo,Quantity\n2,2\n", File.ReadAllText(Path.Combine(rejected, "daily.2.parquet")));
        Assert.Contains("named as parquet", File.ReadAllText(Path.Combine(rejected, "daily.2.parquet.reason.txt")));
    }

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b.csv")]
    [InlineData("..")]
    [InlineData("sub/file.csv")]
    public void ClientNamesThatLeaveTheZoneAreRefused(string name) => Assert.NotNull(LandingZone.RefuseName(name));

    [Fact]
    public void PlainNamesAreAccepted() => Assert.Null(LandingZone.RefuseName("Online Retail.xlsx"));
}
