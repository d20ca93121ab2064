using System.Globalization;
using System.Text.Json;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Loading;

/// <summary>Gzip files load like their plain content (DuckDB's bulk path and the streaming readers alike), while their
/// identity and raw-zone copy stay the compressed bytes as received.</summary>
public sealed class CompressedFileLoadTests
{
    [Fact]
    public async Task A_gzipped_products_csv_loads_every_row_once_and_keeps_its_compressed_bytes_raw()
    {
        using var scratch = new TempDir("gunzip-scratch");
        await using var h = await BatchHarness.StartAsync(new BatchLoaderOptions { TempDirectory = scratch.Path });
        var rows = ParseCsv(SampleData.ProductsCsv, out var header);
        var gz = Gzip(SampleData.ProductsCsv, h.Combine("amazon_products_small.csv.gz"));

        var first = await h.LoadAsync(DatasetCatalog.Products, gz);

        var file = Assert.Single(first.Files);
        Assert.Equal(FileLoadStatus.Loaded, file.Status);
        Assert.True(file.Bulk, "a gzipped CSV takes DuckDB's read_csv path like a plain one");
        Assert.Equal(rows.Count, file.RowsLoaded);
        var price = Array.IndexOf(header, "price");
        Assert.Equal(rows.Count, await h.CountAsync("SELECT count(*) FROM products"));
        Assert.Equal(rows.Sum(r => double.Parse(r[price]!, CultureInfo.InvariantCulture)), Convert.ToDouble((await h.RowsAsync("SELECT sum(price) FROM products"))[0][0]), 6);
        var raw = Assert.Single(await h.VisibleAsync("products", LakeLayout.Raw));
        Assert.EndsWith("/amazon_products_small.csv.gz", raw);
        Assert.Equal(File.ReadAllBytes(gz), File.ReadAllBytes(h.LakeStore.Resolve(raw)));
        var clean = string.Join(", ", (await h.VisibleAsync("products", LakeLayout.Clean)).Select(c => Sql(h.LakeStore.Resolve(c))));
        Assert.Equal(rows.Count, DuckScalar<long>($"SELECT count(*) FROM read_parquet([{clean}])"));

        var again = await h.LoadAsync(DatasetCatalog.Products, gz);
        Assert.Equal(FileLoadStatus.Skipped, again.Files[0].Status);
        Assert.Equal(rows.Count, await h.CountAsync("SELECT count(*) FROM products"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch.Path)); // the decompressed copy is gone
    }

    [Fact]
    public async Task Gzipped_review_json_lines_give_the_same_rows_as_the_plain_file()
    {
        await using var plain = await BatchHarness.StartAsync();
        await using var h = await BatchHarness.StartAsync();
        var gz = Gzip(SampleData.McAuleyReviews, h.Combine("AMAZON_FASHION_5.json.gz"));
        var lines = File.ReadLines(SampleData.McAuleyReviews).Count(l => l.Trim().Length > 0);

        var expected = await plain.LoadAsync(DatasetCatalog.Reviews, SampleData.McAuleyReviews);
        var actual = await h.LoadAsync(DatasetCatalog.Reviews, gz);

        Assert.Equal(FileLoadStatus.Loaded, actual.Files[0].Status);
        Assert.Equal(lines, actual.Files[0].RowsRead);
        Assert.Equal(expected.Files[0].RowsLoaded, actual.Files[0].RowsLoaded);
        const string Contents = "SELECT count(*), count(DISTINCT review_id), sum(rating), sum(length(text)), min(reviewed_at), max(reviewed_at) FROM reviews";
        Assert.Equal((await plain.RowsAsync(Contents))[0], (await h.RowsAsync(Contents))[0]);
    }

    [Fact]
    public async Task A_cut_off_gzip_fails_by_name_bad_rows_inside_a_gzip_are_quarantined_and_other_files_load()
    {
        await using var h = await BatchHarness.StartAsync();
        var whole = Gzip(SampleData.OnlineRetail, h.Combine("whole.csv.gz"));
        var cut = h.Combine("cut.csv.gz");
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);
        var categories = h.Combine("categories.csv");
        File.WriteAllText(categories, "id,category_name\n1,Beading\nabc,Fabric\n4,Crafts\n5,Ragged,row\n");
        var badRows = Gzip(categories, h.Combine("categories.csv.gz"));
        File.Delete(categories);
        var orders = ParseCsv(SampleData.OnlineRetail, out _);

        var summary = await h.LoadAsync(DatasetCatalog.Orders, cut, whole);
        var categoryLoad = await h.LoadAsync(DatasetCatalog.Categories, badRows);

        var failed = summary.Files.Single(f => f.Path == cut);
        Assert.Equal(FileLoadStatus.Failed, failed.Status);
        Assert.Contains("gzip", failed.Error, StringComparison.Ordinal);
        var loaded = summary.Files.Single(f => f.Path == whole);
        Assert.Equal(orders.Count, loaded.RowsLoaded + loaded.RowsRejected);
        Assert.Equal(loaded.RowsLoaded, await h.CountAsync("SELECT count(*) FROM orders"));

        Assert.Equal([1L, 4L], (await h.RowsAsync("SELECT id FROM categories ORDER BY id")).Select(r => (long)r[0]!));
        var entries = File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(categoryLoad.Files[0].Quarantine)))
            .Select(l => JsonDocument.Parse(l).RootElement).OrderBy(e => e.GetProperty("line").GetInt64()).ToList();
        Assert.Equal([3L, 5L], entries.Select(e => e.GetProperty("line").GetInt64()));
        Assert.All(entries, e => Assert.Equal("categories.csv.gz", e.GetProperty("file").GetString()));
        Assert.Equal("id", entries[0].GetProperty("column").GetString());
        // Both the normalizer's reject and DuckDB's malformed line name the file as received, by its hash.
        var received = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(badRows)));
        Assert.All(entries, e => Assert.Equal(received, e.GetProperty("sha256").GetString()));
    }

    [Fact]
    public async Task A_zstd_file_is_refused_with_what_to_do()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("orders.csv.zst");
        File.WriteAllBytes(path, [0x28, 0xB5, 0x2F, 0xFD, 0x24, 0x10, 0x81, 0x00, 0x00, 0x61, 0x62, 0x63]);

        var summary = await h.LoadAsync(DatasetCatalog.Orders, path);

        Assert.Equal(FileLoadStatus.Failed, summary.Files[0].Status);
        Assert.Contains("zstd", summary.Files[0].Error, StringComparison.Ordinal);
        Assert.Contains("decompress", summary.Files[0].Error, StringComparison.Ordinal);
    }
}
