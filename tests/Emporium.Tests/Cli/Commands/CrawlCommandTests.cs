using System.Text;
using System.Text.Json;
using Emporium.Tests.Batch;
using Emporium.Tests.TestSupport;
using Emporium.Tests.Web.Dashboard;

namespace Emporium.Tests.Cli.Commands;

/// <summary><c>emporium crawl</c> through the real CLI, on its own data dir and through the server that owns one.</summary>
public sealed class CrawlCommandTests
{
    [Fact]
    public async Task A_folder_of_two_schemas_is_crawled_through_the_server_into_two_queryable_tables()
    {
        await using var server = await EmporiumProcess.StartAsync();
        var folder = Path.GetDirectoryName(SampleData.CategoriesCsv)!;

        var (code, text) = await BatchCli.RunAsync("crawl", folder, "--name", "asaniczka", "--data", server.Data.Path);

        Assert.True(code == 0, text + server.Output);
        Assert.Contains("2 unrelated schemas", text, StringComparison.Ordinal);
        Assert.Contains("asaniczka_amazon_categories, asaniczka_amazon_products_small", text, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var response = await http.PostAsync("api/v1/query", new StringContent(
            "{\"sql\":\"SELECT (SELECT count(*) FROM asaniczka_amazon_categories), (SELECT count(DISTINCT asin) FROM asaniczka_amazon_products_small)\"}",
            Encoding.UTF8, "application/json"));
        var row = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("rows")[0];
        Assert.Equal(File.ReadLines(SampleData.CategoriesCsv).Count() - 1 + File.ReadLines(SampleData.CategoriesJsonLines).Count(), row[0].GetInt64());
        Assert.Equal(Emporium.Tests.Datasets.SampleRows.Csv(SampleData.ProductsCsv).Select(r => r["asin"]).Distinct().Count(), row[1].GetInt64());

        // The catalog lists the datasets, the dead letters and both crawled tables, readable at 80 columns.
        (code, text) = await BatchCli.RunAsync("catalog", "--data", server.Data.Path);
        Assert.True(code == 0, text);
        var lines = TerminalText.Lines(text);
        foreach (var name in new[] { "orders", "dead_letters", "asaniczka_amazon_categories", "asaniczka_amazon_products_small" })
        {
            Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, $@"^│ name\s+│ {name}\s+│"));
        }
        Assert.Contains("7 row(s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_path_with_nothing_to_crawl_exits_non_zero_and_says_so()
    {
        using var dir = new TempDir("crawl-cli");
        var empty = Directory.CreateDirectory(dir.Combine("empty")).FullName;

        var (code, text) = await BatchCli.RunAsync("crawl", empty, "--data", dir.Combine("data"));

        Assert.Equal(1, code);
        Assert.Contains($"emporium crawl: nothing to crawl at {empty}", text, StringComparison.Ordinal);
    }

    /// <summary><c>load</c> warns that a file which is not UTF-8 was read as Windows-1252; the crawl of that file said
    /// nothing.</summary>
    [Fact]
    public async Task A_file_that_is_not_utf8_is_warned_about_as_load_warns()
    {
        using var dir = new TempDir("crawl-cli");
        var folder = Directory.CreateDirectory(dir.Combine("exports")).FullName;
        var file = Path.Combine(folder, "stock.csv");
        await File.WriteAllBytesAsync(file, [.. "sku,title\nA,Caf"u8, 0xE9, .. "\n"u8]);

        var (code, text) = await BatchCli.RunAsync("crawl", folder, "--data", dir.Combine("data"));

        Assert.True(code == 0, text);
        Assert.Contains($"{file}: not valid UTF-8 (first invalid byte at offset 15); read as Windows-1252", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_holding_a_data_dir_a_server_owns_is_crawled_without_it()
    {
        using var dir = new TempDir("crawl-data-dir-cli");
        var folder = Directory.CreateDirectory(dir.Combine("files")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "stock.csv"), "sku,qty\nA,1\n");
        var owned = Path.Combine(folder, "emporium-data");
        using var owner = Emporium.Cli.Hosting.DataDirLock.Acquire(owned);
        Directory.CreateDirectory(Path.Combine(owned, "deadletters"));
        await File.WriteAllTextAsync(Path.Combine(owned, "deadletters", "deadletters.ndjson"), "{\"reason\":\"x\"}\n");

        var (code, text) = await BatchCli.RunAsync("crawl", folder, "--data", dir.Combine("data"));

        Assert.True(code == 0, text);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.Contains("sku", text, StringComparison.Ordinal);
        Assert.DoesNotContain("reason", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_another_process_holds_is_named_without_a_stack_trace()
    {
        using var dir = new TempDir("crawl-held-file-cli");
        var folder = Directory.CreateDirectory(dir.Combine("files")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "a.csv"), "sku,qty\nA,1\n");
        var held = Path.Combine(folder, "b.csv");
        await File.WriteAllTextAsync(held, "sku,qty\nB,2\n");
        await using var holder = new FileStream(held, FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var (code, text) = await BatchCli.RunAsync("crawl", folder, "--data", dir.Combine("data"));

        Assert.Equal(1, code);
        Assert.Contains($"emporium crawl: {held} cannot be read (", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Catalog_drop_removes_a_crawled_table_and_refuses_unknown_tables_and_datasets()
    {
        using var dir = new TempDir("crawl-drop-cli");
        var folder = Directory.CreateDirectory(dir.Combine("files", "stock")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "a.csv"), "sku,qty\nA,1\n");
        var data = dir.Combine("data");
        var (code, text) = await BatchCli.RunAsync("crawl", folder, "--data", data);
        Assert.True(code == 0, text);
        // A crawl may start a data dir, as a load may, and says so: a mistyped --data is seen at once.
        Assert.Contains($"emporium crawl: no data dir {data} yet: creating a new one", text, StringComparison.Ordinal);

        (code, text) = await BatchCli.RunAsync("catalog", "drop", "stock", "--data", data);

        Assert.True(code == 0, text);
        Assert.Contains("Dropped stock.", text, StringComparison.Ordinal);
        (code, text) = await BatchCli.RunAsync("catalog", "stock", "--data", data);
        Assert.Equal(1, code);
        Assert.Contains("emporium catalog: 'stock' is not catalogued (known: categories, products, reviews, orders", text, StringComparison.Ordinal);
        (code, text) = await BatchCli.RunAsync("catalog", "drop", "stock", "--data", data);
        Assert.Equal(1, code);
        Assert.Contains("emporium catalog drop: 'stock' is not a crawled table (crawled: none)", text, StringComparison.Ordinal);
        (code, text) = await BatchCli.RunAsync("catalog", "drop", "orders", "--data", data);
        Assert.Equal(1, code);
        Assert.Contains("only crawled tables can be dropped", text, StringComparison.Ordinal);
    }
}
