using Emporium.Batch.Catalog;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Catalog;

public sealed class CrawlerTests
{
    private static readonly string[] OrderColumns = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"];

    /// <summary>DuckDB's own sniffer reads a CSV with one ragged row as a single column named after the whole header;
    /// load reads it fine, and so does the crawl now, keeping every row.</summary>
    [Fact]
    public async Task A_ragged_csv_is_crawled_into_its_header_columns_with_every_row()
    {
        await using var h = await BatchHarness.StartAsync();
        var lines = File.ReadAllLines(SampleData.OnlineRetail);
        lines[3] += ",EXTRA";
        lines[8] = string.Join(',', lines[8].Split(',')[..5]);
        Write(h.Combine("ragged"), "orders.csv", string.Join('\n', lines) + "\n");

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(h.Combine("ragged"), null, default));

        Assert.Equal(OrderColumns, table.Columns.Select(c => c.Name).Take(OrderColumns.Length));
        Assert.Equal(lines.Length - 1, table.Rows);
        Assert.Equal(lines.Length - 2, await h.CountAsync("SELECT count(Country) FROM ragged"));
    }

    [Fact]
    public async Task A_latin1_csv_behind_a_utf8_bom_keeps_its_first_columns_name()
    {
        await using var h = await BatchHarness.StartAsync();
        var text = File.ReadAllText(SampleData.OnlineRetail).Replace("WHITE HANGING", "WHITÉ HANGING", StringComparison.Ordinal);
        var folder = Directory.CreateDirectory(h.Combine("latin")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "orders.csv"), [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.Latin1.GetBytes(text)]);

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(folder, null, default));

        Assert.Equal(OrderColumns, table.Columns.Select(c => c.Name));
        var accented = File.ReadLines(SampleData.OnlineRetail).Count(l => l.Contains("WHITE HANGING", StringComparison.Ordinal));
        Assert.True(accented > 0);
        Assert.Equal(accented, await h.CountAsync("SELECT count(InvoiceNo) FROM latin WHERE Description LIKE 'WHITÉ HANGING%'"));
    }

    /// <summary>A Windows export's € ’ “ ” – are bytes 0x80-0x9F, C1 controls in Latin-1: the crawl reads them as
    /// <c>load</c> does (Windows-1252), beside a UTF-8 file of the same folder, in a gzip file and in a Hive folder.</summary>
    [Fact]
    public async Task A_windows1252_csv_is_crawled_with_its_euro_signs_and_curly_quotes()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("exports");
        const string Header = "sku,title,price\r\n";
        const string Rows = "A1,\u201cBest\u201d mug \u2013 blue,\u20ac5\r\nA2,Tom\u2019s \u2026 jar,\u20ac7\r\n";
        var cp1252 = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(1252)!;
        Directory.CreateDirectory(Path.Combine(root, "shop=eu"));
        File.WriteAllBytes(Path.Combine(root, "shop=eu", "export.csv"), cp1252.GetBytes(Header + Rows));
        var plain = Path.Combine(root, "shop=uk", "export.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(plain)!);
        File.WriteAllBytes(plain, cp1252.GetBytes(Header + Rows.Replace("A", "G", StringComparison.Ordinal)));
        Gzip(plain, Path.Combine(root, "shop=uk", "export.csv.gz"));
        File.Delete(plain);
        Write(root, "shop=us/export.csv", Header + "U1,Plain \u00e9 mug,$3\r\n");

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));

        Assert.Equal(["sku", "title", "price", "shop"], table.Columns.Select(c => c.Name));
        Assert.Equal(5, table.Rows);
        var rows = await h.RowsAsync("SELECT sku, title, price, shop FROM exports ORDER BY sku");
        Assert.Equal(["A1", "\u201cBest\u201d mug \u2013 blue", "\u20ac5", "eu"], rows[0].Select(v => v?.ToString()));
        Assert.Equal(["A2", "Tom\u2019s \u2026 jar", "\u20ac7", "eu"], rows[1].Select(v => v?.ToString()));
        Assert.Equal(["G1", "\u201cBest\u201d mug \u2013 blue", "\u20ac5", "uk"], rows[2].Select(v => v?.ToString()));
        Assert.Equal(["U1", "Plain \u00e9 mug", "$3", "us"], rows[4].Select(v => v?.ToString()));
        // load warns that such text was decoded as Windows-1252, and so does the crawl now, per file (not the UTF-8 one).
        Assert.Equal([Path.Combine(root, "shop=eu", "export.csv"), Path.Combine(root, "shop=uk", "export.csv.gz")],
            table.Warnings!.Select(w => w[..w.IndexOf(": ", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        Assert.All(table.Warnings!, w => Assert.Contains("not valid UTF-8 (first invalid byte at offset 20); read as Windows-1252", w));
    }

    /// <summary>A CSV cut off mid-row (a download that stopped) is a damaged file: <c>load</c> fails it, and a crawl of
    /// a cut JSON file fails in DuckDB, but the crawl padded the CSV's torn row with nulls and built a table that
    /// looked whole. It is refused, naming the file and the line, as an unreadable file is.</summary>
    [Fact]
    public async Task A_csv_cut_off_mid_row_is_refused_naming_the_file_and_line()
    {
        await using var h = await BatchHarness.StartAsync();
        var text = File.ReadAllText(SampleData.OnlineRetail);
        var cut = text[..(text.IndexOf('\n', text.Length / 2) + 20)];
        var root = h.Combine("cut");
        Write(root, "complete.csv", text);
        Write(root, "orders.csv", cut);

        var error = await RefusedAsync(h, root);

        Assert.StartsWith(Path.Combine(root, "orders.csv") + ": the file is cut short", error, StringComparison.Ordinal);
        Assert.Contains($"at line {cut.Count(c => c == '\n') + 1}", error, StringComparison.Ordinal);
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM information_schema.tables WHERE table_name = 'cut'"));
    }

    /// <summary>An unbalanced quote failed the crawl with DuckDB's sniffer text, naming no file (<c>Error when sniffing
    /// file ""</c>) and no line; <c>load</c> names both and the reason. The crawl now says what <c>load</c> says.</summary>
    [Fact]
    public async Task A_csv_with_an_unbalanced_quote_is_refused_naming_the_file_line_and_reason()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("quoted");
        Write(root, "categories.csv", "id,category_name\n1,Toys\n2,\"Books\n3,Games\n4,Tools\n");

        var error = await RefusedAsync(h, root);

        Assert.StartsWith(Path.Combine(root, "categories.csv") + ": malformed CSV at line 3 (record 2): unbalanced quote in field 2", error, StringComparison.Ordinal);
    }

    /// <summary>A JSON-lines file cut in its second line failed the crawl with DuckDB's "Malformed JSON … line 3";
    /// <c>load</c> says the file is cut short at line 2, and so does the crawl now.</summary>
    [Fact]
    public async Task A_json_lines_file_cut_short_is_refused_as_load_refuses_it()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("cutjson");
        Write(root, "a.jsonl", "{\"id\":1,\"name\":\"Toys\"}\n");
        Write(root, "b.jsonl", "{\"id\":2,\"name\":\"Books\"}\n{\"id\":3,\"name\":\"Gam");

        var error = await RefusedAsync(h, root);

        Assert.StartsWith(Path.Combine(root, "b.jsonl") + ": the file is cut short: it ends in the middle of the JSON object of record 2 at line 2", error, StringComparison.Ordinal);
    }

    /// <summary>A delimiter ending every line (<c>a,b,c,</c>) gives an empty, unnamed last field: the crawl cataloged
    /// it as an all-null <c>column2</c> the file does not have. Empty in every row it is left out, with the warning
    /// <c>load</c> gives; one that holds values is kept under its positional name, with a warning.</summary>
    [Fact]
    public async Task An_unnamed_last_field_from_a_trailing_delimiter_is_left_out_when_empty_with_loads_warning()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("padded");
        Write(root, "categories.csv", "id,category_name,\n1,Toys,\n2,Books,\n");
        var kept = h.Combine("kept");
        Write(kept, "notes.csv", "id,category_name,\n1,Toys,x\n2,Books,\n");
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);

        var table = Assert.Single(await crawler.CrawlAsync(root, null, default));

        Assert.Equal(["id", "category_name"], table.Columns.Select(c => c.Name));
        Assert.Equal(["1 Toys", "2 Books"], (await h.RowsAsync("SELECT * FROM padded ORDER BY id")).Select(r => string.Join(' ', r)));
        var warning = Assert.Single(table.Warnings!);
        Assert.StartsWith(Path.Combine(root, "categories.csv") + ": header field 3 has no name (a delimiter ending every line gives an empty last field): not cataloged", warning, StringComparison.Ordinal);

        var withValues = Assert.Single(await crawler.CrawlAsync(kept, null, default));

        Assert.Equal(3, withValues.Columns.Count);
        Assert.Equal(1, await h.CountAsync($"SELECT count(\"{withValues.Columns[2].Name}\") FROM kept"));
        Assert.Contains("header field 3 has no name", Assert.Single(withValues.Warnings!), StringComparison.Ordinal);
    }

    /// <summary>A UTF-16 export (Excel's "Unicode text") is read as <c>load</c> reads it, not byte by byte.</summary>
    [Fact]
    public async Task A_utf16_tab_separated_export_is_crawled_into_its_columns()
    {
        await using var h = await BatchHarness.StartAsync();
        var folder = Directory.CreateDirectory(h.Combine("unicode")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "export.tsv"),
            [.. System.Text.Encoding.Unicode.GetPreamble(), .. System.Text.Encoding.Unicode.GetBytes("sku\ttitle\r\nA1\t\u201cBest\u201d \u20ac\r\nA2\tplain\r\n")]);

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(folder, null, default));

        Assert.Equal(["sku", "title"], table.Columns.Select(c => c.Name));
        Assert.Equal(2, table.Rows);
        Assert.Equal("\u201cBest\u201d \u20ac", (await h.RowsAsync("SELECT title FROM unicode WHERE sku = 'A1'"))[0][0]);
    }

    /// <summary>Hive writes a null partition value as the folder <c>__HIVE_DEFAULT_PARTITION__</c>, and the table holds
    /// NULL there; the catalog listed the folder's name as a value, one no query of the table finds.</summary>
    [Fact]
    public async Task A_hive_null_partition_is_listed_as_null_as_the_table_holds_it()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("visits");
        Write(root, "region=eu/a.csv", "id,amount\n1,10\n");
        Write(root, "region=__HIVE_DEFAULT_PARTITION__/b.csv", "id,amount\n2,20\n");

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));

        var region = Assert.Single(table.Partitions);
        Assert.Equal("region", region.Key);
        var held = (await h.RowsAsync("SELECT DISTINCT region FROM visits ORDER BY region NULLS LAST")).Select(r => r[0] as string).ToList();
        Assert.Equal(["eu", null], held);
        Assert.Equal<string?>(held, region.Values);
    }

    [Fact]
    public async Task HivePartitionsAreFoundAndANewColumnEvolvesTheSchema()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("events");
        Write(root, "year=2024/month=01/a.csv", "id,amount\n1,10\n2,20\n");
        Write(root, "year=2024/month=02/b.csv", "id,amount\n3,30\n");
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);

        var first = Assert.Single(await crawler.CrawlAsync(root, null, default));

        Assert.Equal("events", first.Name);
        Assert.Equal(1, first.Version);
        Assert.Equal(3, first.Rows);
        Assert.Equal(["year", "month"], first.Partitions.Select(p => p.Key));
        Assert.Equal(["01", "02"], first.Partitions[1].Values);
        Assert.Equal("bigint", first.Columns.Single(c => c.Name == "amount").Type);
        Assert.Equal(60L, Convert.ToInt64((await h.RowsAsync("SELECT sum(amount) FROM events WHERE month IN ('01', '02')"))[0][0]));

        // A later file adds a column and a fractional amount: the table keeps one schema, evolved.
        Write(root, "year=2024/month=03/c.csv", "id,amount,note\n4,1.5,late\n");
        var second = Assert.Single(await crawler.CrawlAsync(root, null, default));

        Assert.Equal(2, second.Version);
        Assert.Equal(4, second.Rows);
        Assert.Equal("double", second.Columns.Single(c => c.Name == "amount").Type);
        var note = second.Columns.Single(c => c.Name == "note");
        Assert.Equal(2, note.Since);
        Assert.Equal(1, second.Columns.Single(c => c.Name == "id").Since);
        Assert.Equal(61.5, Convert.ToDouble((await h.RowsAsync("SELECT sum(amount) FROM events"))[0][0]));
        Assert.Equal("late", (await h.RowsAsync("SELECT note FROM events WHERE id = 4"))[0][0]);

        // Text in a numeric column widens it to text; removing files never drops a column.
        Write(root, "year=2024/month=04/d.csv", "id,amount\n5,n/a\n");
        File.Delete(Path.Combine(root, "year=2024/month=03/c.csv"));
        var third = Assert.Single(await crawler.CrawlAsync(root, null, default));
        Assert.Equal("varchar", third.Columns.Single(c => c.Name == "amount").Type);
        var kept = third.Columns.Single(c => c.Name == "note");
        Assert.False(kept.Present);
        Assert.Equal(4, third.Rows);
        Assert.Equal(3, third.Version);
        Assert.Contains("note", (await h.Warehouse.QueryAsync("SELECT * FROM events LIMIT 0", default)).Columns.Select(c => c.Name));
    }

    /// <summary>A later export that spells a column in another case (<c>Country</c>, then <c>country</c>) is the same
    /// column to DuckDB, whose names ignore case: the re-crawl added <c>country</c> beside the old one, DuckDB renamed it
    /// <c>country_1</c>, and <c>SELECT country</c> read the old, all-null column while the catalog listed both.</summary>
    [Fact]
    public async Task A_column_whose_name_changes_case_stays_one_column_on_a_recrawl()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("retail");
        var lines = File.ReadAllLines(SampleData.OnlineRetail);
        Write(root, "orders.csv", string.Join('\n', lines) + "\n");
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);
        Assert.Single(await crawler.CrawlAsync(root, null, default));
        lines[0] = lines[0].Replace("Country", "country", StringComparison.Ordinal);
        Write(root, "orders.csv", string.Join('\n', lines) + "\n");

        var table = Assert.Single(await crawler.CrawlAsync(root, null, default));

        Assert.Equal(OrderColumns, table.Columns.Select(c => c.Name));
        Assert.All(table.Columns, c => Assert.True(c.Present));
        Assert.Equal(OrderColumns, (await h.Warehouse.QueryAsync("SELECT * FROM retail LIMIT 0", default)).Columns.Select(c => c.Name));
        Assert.Equal(lines.Length - 1, await h.CountAsync("SELECT count(country) FROM retail"));
    }

    /// <summary>A folder of <c>key=value</c> partitions with a file lying beside them (a stray export at the top) failed
    /// the crawl with DuckDB's "Hive partition mismatch between file …": the files are read by their partition keys
    /// and unioned, the file outside the partitions having none.</summary>
    [Fact]
    public async Task Files_inside_and_outside_hive_partitions_are_crawled_together()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("mixed");
        var lines = File.ReadAllLines(SampleData.OnlineRetail);
        Write(root, "year=2010/orders.csv", string.Join('\n', lines) + "\n");
        Write(root, "late-orders.csv", string.Join('\n', lines.Take(11)) + "\n");

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));

        Assert.Equal([.. OrderColumns, "year"], table.Columns.Select(c => c.Name));
        Assert.Equal(lines.Length - 1 + 10, table.Rows);
        Assert.Equal(10, await h.CountAsync("SELECT count(*) FROM mixed WHERE year IS NULL"));
        Assert.Equal(lines.Length - 1, await h.CountAsync("SELECT count(*) FROM mixed WHERE year = 2010"));
    }

    /// <summary>A partition folder naming a column the file has itself (<c>Country=United Kingdom/orders.csv</c> whose
    /// rows carry their own Country): DuckDB's <c>hive_partitioning</c> put the folder's value in every row, and the
    /// orders of France, EIRE… became British. A row's own value is kept and only a missing one takes the folder's,
    /// as <c>load</c> does.</summary>
    [Fact]
    public async Task A_partition_folder_fills_a_files_own_column_only_where_a_row_has_no_value()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("bycountry");
        var lines = File.ReadAllLines(SampleData.OnlineRetail);
        for (var i = 1; i <= 5; i++)
        {
            lines[i] = lines[i][..(lines[i].LastIndexOf(',') + 1)];
        }
        Write(root, "Country=United%20Kingdom/orders.csv", string.Join('\n', lines) + "\n");
        Write(root, "Country=France/more.csv", string.Join('\n', lines.Take(3)) + "\n");
        var rows = ParseCsv(Path.Combine(root, "Country=United%20Kingdom", "orders.csv"), out var header);
        var country = Array.IndexOf(header, "Country");
        var expected = rows.Select(r => r[country] ?? "United Kingdom").Concat(["France", "France"])
            .GroupBy(c => c).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}").ToList();

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));

        Assert.Equal(OrderColumns, table.Columns.Select(c => c.Name));
        Assert.Contains(expected, e => e.StartsWith("EIRE=", StringComparison.Ordinal));
        Assert.Equal(expected, (await h.RowsAsync("SELECT Country, count(*) FROM bycountry GROUP BY Country ORDER BY Country COLLATE C"))
            .Select(r => $"{r[0]}={r[1]}"));
    }

    /// <summary>An empty file beside the data (an export run that wrote nothing, a part file of an empty partition) gave
    /// the table an all-null <c>column0</c> it has nowhere; alone, it failed the crawl. It is left out with a warning,
    /// and a folder of empty files only is nothing to crawl.</summary>
    [Fact]
    public async Task An_empty_file_beside_the_data_is_left_out_with_a_warning()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("exports");
        Write(root, "orders.csv", File.ReadAllText(SampleData.OnlineRetail));
        Write(root, "orders-2.csv", "");
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);

        var table = Assert.Single(await crawler.CrawlAsync(root, null, default));

        Assert.Equal(OrderColumns, table.Columns.Select(c => c.Name));
        Assert.Equal(File.ReadLines(SampleData.OnlineRetail).Count() - 1, table.Rows);
        Assert.Equal([Path.Combine(root, "orders.csv")], table.Files);
        Assert.Equal(Path.Combine(root, "orders-2.csv") + ": the file is empty: not cataloged", Assert.Single(table.Warnings!));

        var empty = h.Combine("nothing");
        Write(empty, "orders.csv", "");
        var error = (await Assert.ThrowsAsync<CrawlException>(() => crawler.CrawlAsync(empty, null, default))).Message;
        Assert.StartsWith($"nothing to crawl at {empty}: ", error, StringComparison.Ordinal);
    }

    /// <summary>Crawling one partition's folder (<c>…/year=2010/</c>): DuckDB took the <c>year=2010</c> above the crawled
    /// path from each plain file's path and made it a column the catalog does not list as a partition, while a gzip file's
    /// decompressed copy has no such folder, and the read of both failed with "Hive partition mismatch". Only the folders
    /// below the crawled path are partitions, as for <c>load</c>.</summary>
    [Fact]
    public async Task Folders_above_the_crawled_path_are_not_partitions()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("history", "year=2010");
        Write(root, "orders.csv", File.ReadAllText(SampleData.OnlineRetail));
        Write(h.Combine("plain"), "late.csv", string.Join('\n', File.ReadLines(SampleData.OnlineRetail).Take(11)) + "\n");
        Gzip(h.Combine("plain", "late.csv"), Path.Combine(root, "late.csv.gz"));

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, "retail", default));

        Assert.Equal(OrderColumns, table.Columns.Select(c => c.Name));
        Assert.Empty(table.Partitions);
        Assert.Equal(File.ReadLines(SampleData.OnlineRetail).Count() - 1 + 10, table.Rows);
    }

    [Fact]
    public async Task GzippedCsvAndJsonLinesAreCrawledWhereTheyLieAndACorruptOneIsNamed()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("dumps");
        var orders = ParseCsv(SampleData.OnlineRetail, out var header);
        var quantity = Array.IndexOf(header, "Quantity");
        Gzip(SampleData.OnlineRetail, Path.Combine(root, "day=2010-12-01", "orders.csv.gz"));
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);

        var table = Assert.Single(await crawler.CrawlAsync(root, "orders_dump", default));

        Assert.Equal(orders.Count, table.Rows);
        Assert.Equal("bigint", table.Columns.Single(c => c.Name == "Quantity").Type);
        Assert.Equal(orders.Sum(r => long.Parse(r[quantity]!, System.Globalization.CultureInfo.InvariantCulture)),
            Convert.ToInt64((await h.RowsAsync("SELECT sum(Quantity) FROM orders_dump WHERE day = '2010-12-01'"))[0][0]));

        var reviews = h.Combine("fashion_dump");
        Gzip(SampleData.McAuleyReviews, Path.Combine(reviews, "fashion.json.gz"));
        var reviewTable = Assert.Single(await crawler.CrawlAsync(reviews, null, default));
        Assert.Equal(File.ReadLines(SampleData.McAuleyReviews).Count(l => l.Trim().Length > 0), reviewTable.Rows);
        Assert.Contains(reviewTable.Columns, c => c.Name == "reviewerID");

        var broken = h.Combine("broken");
        Directory.CreateDirectory(broken);
        File.WriteAllBytes(Path.Combine(broken, "x.csv.gz"), [0x1F, 0x8B, 0x08, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x03, 0xFF, 0xFF, 0xFF, 0xFF]);
        var error = (await Assert.ThrowsAsync<CrawlException>(() => crawler.CrawlAsync(broken, null, default))).Message;
        Assert.Contains("x.csv.gz", error, StringComparison.Ordinal);
        Assert.Contains("gzip", error, StringComparison.Ordinal);
    }

    /// <summary>DuckDB reads a gzip file cut off in transit to where it stops, without a word: the crawl cataloged the
    /// orders before the cut (and the torn one) as the whole file. It is decompressed as <c>load</c> decompresses it,
    /// trailer checked, and refused naming the file.</summary>
    [Fact]
    public async Task A_gzip_file_cut_off_in_transit_is_refused_naming_the_file()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("transit");
        var whole = Gzip(SampleData.OnlineRetail, Path.Combine(root, "day=2010-12-01", "orders.csv.gz"));
        var cut = Path.Combine(root, "day=2010-12-02", "orders.csv.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(cut)!);
        var bytes = File.ReadAllBytes(whole);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        var error = await RefusedAsync(h, root);

        Assert.StartsWith(cut + ": truncated or corrupt gzip file", error, StringComparison.Ordinal);
    }

    /// <summary>A gzip file's content is checked as a plain file's is: its unnamed empty last field is left out with the
    /// warning (it was cataloged as an all-null <c>column2</c>), and a CSV cut mid-row, then compressed, is refused
    /// naming the <c>.gz</c> file and the line (DuckDB padded the torn row).</summary>
    [Fact]
    public async Task A_gzip_files_content_is_checked_as_a_plain_files_is()
    {
        await using var h = await BatchHarness.StartAsync();
        var padded = h.Combine("gzpadded");
        var plain = h.Combine("plain", "categories.csv");
        Write(h.Combine("plain"), "categories.csv", string.Join("", File.ReadLines(SampleData.CategoriesCsv).Select(l => l + ",\n")));
        var gz = Gzip(plain, Path.Combine(padded, "shop=uk", "categories.csv.gz"));
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);

        var table = Assert.Single(await crawler.CrawlAsync(padded, null, default));

        Assert.Equal(["id", "category_name", "shop"], table.Columns.Select(c => c.Name));
        Assert.Equal(File.ReadLines(SampleData.CategoriesCsv).Count() - 1, table.Rows);
        Assert.StartsWith(gz + ": header field 3 has no name (a delimiter ending every line gives an empty last field): not cataloged", Assert.Single(table.Warnings!), StringComparison.Ordinal);

        var text = File.ReadAllText(SampleData.OnlineRetail);
        var cutText = text[..(text.IndexOf('\n', text.Length / 2) + 20)];
        Write(h.Combine("plain"), "orders.csv", cutText);
        var cutRoot = h.Combine("gzcut");
        var cut = Gzip(h.Combine("plain", "orders.csv"), Path.Combine(cutRoot, "orders.csv.gz"));

        var error = (await Assert.ThrowsAsync<CrawlException>(() => crawler.CrawlAsync(cutRoot, null, default))).Message;

        Assert.StartsWith(cut + ": the file is cut short", error, StringComparison.Ordinal);
        Assert.Contains($"at line {cutText.Count(c => c == '\n') + 1}", error, StringComparison.Ordinal);
    }

    /// <summary>A JSON document DuckDB cannot parse was explained with <c>load</c>'s "pass the records' path (e.g.
    /// --json-path data.products)", an option the crawl does not have, for a document that was merely malformed. It
    /// names the line where the JSON breaks.</summary>
    [Fact]
    public async Task A_malformed_json_document_is_explained_by_where_it_breaks_without_loads_options()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("searches");
        var lines = File.ReadAllLines(SampleData.SellerSearchResponse);
        var broken = Array.FindIndex(lines, l => l.Contains("\"total_products\"", StringComparison.Ordinal));
        lines[broken] += ",";
        Write(root, "page1.json", string.Join('\n', lines) + "\n");

        var error = await RefusedAsync(h, root);

        Assert.StartsWith(Path.Combine(root, "page1.json") + ": invalid JSON at line " + (broken + 1), error, StringComparison.Ordinal);
        Assert.DoesNotContain("--", error, StringComparison.Ordinal);
    }

    /// <summary>DuckDB pads a short row with nulls and puts a long row's extra field in <c>column8</c>, silently, where
    /// <c>load</c> quarantines both naming the line. The crawl keeps them as DuckDB reads them and warns, naming the
    /// file, the lines and <c>load</c>'s reasons.</summary>
    [Fact]
    public async Task Ragged_rows_are_cataloged_with_a_warning_naming_their_lines_as_load_reports_them()
    {
        await using var h = await BatchHarness.StartAsync();
        var lines = File.ReadAllLines(SampleData.OnlineRetail);
        lines[3] += ",EXTRA";
        lines[8] = string.Join(',', lines[8].Split(',')[..5]);
        var root = h.Combine("uneven");
        Write(root, "orders.csv", string.Join('\n', lines) + "\n");
        var path = Path.Combine(root, "orders.csv");
        var loaded = (await h.LoadAsync(DatasetCatalog.Orders, path)).Files[0];
        var quarantined = loaded.Quarantine.SelectMany(q => File.ReadAllLines(h.LakeStore.Resolve(q)))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).Select(e => $"line {e.GetProperty("line").GetInt64()}: {e.GetProperty("reason").GetString()}")
            .Where(q => q.Contains("fields, the header has", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, quarantined.Count);

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));

        Assert.Equal(lines.Length - 1, table.Rows);
        var warning = Assert.Single(table.Warnings!);
        Assert.StartsWith(path + ": 2 malformed row(s) that load quarantines, cataloged as DuckDB reads them", warning, StringComparison.Ordinal);
        Assert.All(quarantined, q => Assert.Contains(q, warning, StringComparison.Ordinal));
    }

    /// <summary>A row with text after a closing quote (<c>5,"Beading" Supplies</c>): <c>load</c> quarantines it, DuckDB
    /// refuses the file with its sniffer's text naming no file or line. The crawl names both and the reason.</summary>
    [Fact]
    public async Task A_row_with_text_after_its_closing_quote_is_named_with_its_line_when_duckdb_refuses_the_file()
    {
        await using var h = await BatchHarness.StartAsync();
        var lines = File.ReadAllLines(SampleData.CategoriesCsv);
        lines[5] = "5,\"Beading\" Supplies";
        var root = h.Combine("quotes");
        Write(root, "categories.csv", string.Join('\n', lines) + "\n");

        var error = await RefusedAsync(h, root);

        Assert.StartsWith(Path.Combine(root, "categories.csv") + ": line 6 (record 5): text after the closing quote of a quoted field", error, StringComparison.Ordinal);
        Assert.DoesNotContain("sniffing", error, StringComparison.Ordinal);
    }

    /// <summary>A footer line with fewer fields and no line end (<c>Total,1349</c>) cannot be told from a record cut
    /// mid-value, and the message said only "cut short"; it says both. A file that ends inside a quoted field is cut
    /// (a complete line cannot end so), and says that. <c>load</c> and the crawl say the same.</summary>
    [Fact]
    public async Task A_short_last_line_without_a_line_end_is_named_as_a_cut_or_a_footer_and_a_cut_quoted_field_as_a_cut()
    {
        await using var h = await BatchHarness.StartAsync();
        var text = File.ReadAllText(SampleData.OnlineRetail);
        var records = File.ReadLines(SampleData.OnlineRetail).Count() - 1;
        var footer = h.Combine("footer");
        Write(footer, "orders.csv", text + $"Total,{records}");
        var quoted = h.Combine("quotedcut");
        var cutAt = text.IndexOf("\"RECORD FRAME", StringComparison.Ordinal) + 8;
        Write(quoted, "orders.csv", text[..cutAt]);
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);

        var footerError = (await Assert.ThrowsAsync<CrawlException>(() => crawler.CrawlAsync(footer, null, default))).Message;
        var quotedError = (await Assert.ThrowsAsync<CrawlException>(() => crawler.CrawlAsync(quoted, null, default))).Message;
        var footerLoad = (await h.LoadAsync(DatasetCatalog.Orders, Path.Combine(footer, "orders.csv"))).Files[0].Error;
        var quotedLoad = (await h.LoadAsync(DatasetCatalog.Orders, Path.Combine(quoted, "orders.csv"))).Files[0].Error;

        var footerLine = records + 2;
        Assert.Equal(Path.Combine(footer, "orders.csv") + ": " + footerLoad, footerError);
        Assert.Contains($"at line {footerLine} (record {records + 1}), which has 2 fields where the header has 8", footerError, StringComparison.Ordinal);
        Assert.Contains("cut short", footerError, StringComparison.Ordinal);
        Assert.Contains("footer", footerError, StringComparison.Ordinal);
        var quotedLine = text[..cutAt].Count(c => c == '\n') + 1;
        Assert.Equal(Path.Combine(quoted, "orders.csv") + ": " + quotedLoad, quotedError);
        Assert.StartsWith($"the file is cut short: it ends inside field 3 (a quoted value) of record {quotedLine - 1} at line {quotedLine}", quotedLoad, StringComparison.Ordinal);
        Assert.DoesNotContain("footer", quotedError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkbooksAreCrawledWithTheirPartitionsAlongsideCsv()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("retail");
        var rows = ParseCsv(SampleData.OnlineRetail, out var header);
        Directory.CreateDirectory(Path.Combine(root, "year=2010"));
        WriteXlsx(Path.Combine(root, "year=2010", "Online Retail.xlsx"), header, rows.Take(500), new HashSet<string> { "InvoiceDate" });
        Write(root, "year=2011/more.csv", string.Join('\n', [string.Join(',', header), .. File.ReadLines(SampleData.OnlineRetail).Skip(501).Take(100)]) + "\n");

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));

        Assert.Equal(600, table.Rows);
        Assert.Equal(["year"], table.Partitions.Select(p => p.Key));
        Assert.Equal(["2010", "2011"], table.Partitions[0].Values);
        Assert.Contains(table.Files, f => f.EndsWith("Online Retail.xlsx", StringComparison.Ordinal));
        Assert.Equal(500L, Convert.ToInt64((await h.RowsAsync("SELECT count(*) FROM retail WHERE year = 2010"))[0][0]));
        var quantity = rows.Take(500).Sum(r => long.Parse(r[Array.IndexOf(header, "Quantity")]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(quantity, Convert.ToInt64((await h.RowsAsync("SELECT sum(\"Quantity\") FROM retail WHERE year = 2010"))[0][0]));
    }

    /// <summary>An Excel error cell is no value of its column: crawled as text it made the price column VARCHAR. It is
    /// crawled as empty, and the crawl says so.</summary>
    [Fact]
    public async Task A_workbooks_error_cells_are_crawled_as_empty_with_a_warning()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("errors");
        Directory.CreateDirectory(root);
        var rows = ParseCsv(SampleData.OnlineRetail, out var header).Take(50).ToList();
        var price = Array.IndexOf(header, "UnitPrice");
        rows[4][price] = "#DIV/0!";
        rows[6][price] = "#N/A";
        var workbook = Path.Combine(root, "orders.xlsx");
        WriteXlsx(workbook, header, rows, new HashSet<string> { "InvoiceDate" });

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));

        Assert.Equal("double", table.Columns.First(c => c.Name == "UnitPrice").Type);
        Assert.Equal(2, await h.CountAsync("SELECT count(*) FROM errors WHERE \"UnitPrice\" IS NULL"));
        Assert.Equal([$"{workbook}: 2 cell(s) hold an Excel error, crawled as empty (the cell F6 of sheet 'Online Retail' holds the Excel error #DIV/0! (a formula that failed))"], table.Warnings);
    }

    [Fact]
    public async Task NestedJsonIsFlattenedToDottedColumns()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("fashion");
        Directory.CreateDirectory(root);
        File.Copy(SampleData.McAuleyReviews, Path.Combine(root, "AMAZON_FASHION_5.json"));

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, "fashion_reviews", default));

        Assert.Equal(File.ReadLines(SampleData.McAuleyReviews).Count(l => l.Trim().Length > 0), table.Rows);
        Assert.Contains(table.Columns, c => c.Name == "style.Size:");
        Assert.DoesNotContain(table.Columns, c => c.Name == "style");
        var sizes = await h.RowsAsync("SELECT count(\"style.Size:\") FROM fashion_reviews");
        var expected = File.ReadLines(SampleData.McAuleyReviews).Count(l => l.Contains("\"Size:\"", StringComparison.Ordinal));
        Assert.Equal(expected, Convert.ToInt64(sizes[0][0]));
        var listed = await new CatalogReport(h.Warehouse, h.LakeStore).ListAsync(default);
        Assert.Contains(listed, t => t.Name == "fashion_reviews" && t.Kind == "crawled");
        Assert.Contains(listed, t => t.Name == "orders" && t.Kind == "dataset");
    }

    /// <summary>A record whose own key is dotted like a flattened field (<c>"style.Size:"</c> beside <c>style</c>'s
    /// <c>Size:</c>) made two columns of one name: the catalog listed <c>style.Size:</c> twice, and the table's second
    /// one (DuckDB renamed it <c>style.Size:_1</c>) repeated the first one's values, losing every nested size. The
    /// flattened field gets a name of its own.</summary>
    [Fact]
    public async Task A_flattened_field_whose_name_a_dotted_key_already_has_keeps_its_values_under_a_name_of_its_own()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("styles");
        var lines = File.ReadAllLines(SampleData.McAuleyReviews).Where(l => l.Trim().Length > 0).ToList();
        lines[0] = "{\"style.Size:\": \"as listed\", " + lines[0].TrimStart()[1..];
        Write(root, "reviews.json", string.Join('\n', lines) + "\n");

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));

        var names = table.Columns.Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal((await h.Warehouse.QueryAsync("SELECT * FROM styles LIMIT 0", default)).Columns.Select(c => c.Name), names);
        Assert.Equal(1, await h.CountAsync("SELECT count(\"style.Size:\") FROM styles"));
        Assert.Equal(lines.Count(l => l.Contains("\"Size:\"", StringComparison.Ordinal)), await h.CountAsync("SELECT count(\"style.Size:_2\") FROM styles"));
    }

    /// <summary>A real dataset folder holds its data and a SOURCE.md; the crawl once read the markdown as CSV rows and
    /// a column named after its title.</summary>
    [Fact]
    public async Task A_folder_with_documentation_beside_its_data_is_crawled_as_its_data_only()
    {
        await using var h = await BatchHarness.StartAsync();
        var folder = Path.GetDirectoryName(SampleData.BehaviourMetrics)!;
        Assert.True(File.Exists(Path.Combine(folder, "SOURCE.md")));
        var rows = Emporium.Tests.Datasets.SampleRows.Csv(SampleData.BehaviourMetrics);

        var table = Assert.Single(await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(folder, "behaviour", default));

        Assert.Equal([Path.GetFullPath(SampleData.BehaviourMetrics)], table.Files);
        Assert.Equal(rows.Count, table.Rows);
        Assert.Equal(rows[0].Keys.Order(StringComparer.Ordinal), table.Columns.Select(c => c.Name).Order(StringComparer.Ordinal));
        var spent = rows.Sum(r => double.Parse(r["amount_spent"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(spent, Convert.ToDouble((await h.RowsAsync("SELECT sum(amount_spent) FROM behaviour"))[0][0]), 6);
    }

    /// <summary>The asaniczka folder holds products and categories, each as CSV and as JSON lines: two tables, each
    /// the union of its two files, instead of one sparse table of fourteen columns.</summary>
    [Fact]
    public async Task Files_of_unrelated_schemas_make_one_table_each_and_related_formats_stay_together()
    {
        await using var h = await BatchHarness.StartAsync();
        var folder = Path.GetDirectoryName(SampleData.ProductsCsv)!;
        var products = Emporium.Tests.Datasets.SampleRows.Csv(SampleData.ProductsCsv);
        var categories = Emporium.Tests.Datasets.SampleRows.Csv(SampleData.CategoriesCsv);
        static int Lines(string path) => File.ReadLines(path).Count(l => l.Trim().Length > 0);

        var tables = await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(folder, "asaniczka", default);

        Assert.Equal(["asaniczka_amazon_categories", "asaniczka_amazon_products_small"], tables.Select(t => t.Name));
        var categoryTable = tables[0];
        Assert.Equal([Path.GetFullPath(SampleData.CategoriesCsv), Path.GetFullPath(SampleData.CategoriesJsonLines)], categoryTable.Files.Order(StringComparer.Ordinal));
        Assert.Equal(["category_name", "id"], categoryTable.Columns.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(categories.Count + Lines(SampleData.CategoriesJsonLines), categoryTable.Rows);
        var productTable = tables[1];
        Assert.Equal(products.Count + Lines(SampleData.ProductsJsonLines), productTable.Rows);
        Assert.Contains(productTable.Columns, c => c.Name == "date");
        Assert.DoesNotContain(productTable.Columns, c => c.Name == "category_name");
        var stars = products.Sum(r => double.Parse(r["stars"]!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2 * stars, Convert.ToDouble((await h.RowsAsync("SELECT sum(stars) FROM asaniczka_amazon_products_small"))[0][0]), 6);
        Assert.DoesNotContain(await new CatalogReport(h.Warehouse, h.LakeStore).ListAsync(default), t => t.Name == "asaniczka");
    }

    [Fact]
    public async Task Unrelated_schemas_in_their_own_folders_are_named_after_the_folders_with_their_partitions()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("export");
        Write(root, "shop/day=2024-01-01/part-0.csv", "invoice,sku,qty\n1,A,2\n");
        Write(root, "shop/day=2024-01-02/part-0.csv", "invoice,sku,qty,channel\n2,B,3,web\n");
        Write(root, "people/day=2024-01-01/part-0.csv", "customer,country\n7,fr\n8,de\n");

        var tables = await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default);

        Assert.Equal(["export_people", "export_shop"], tables.Select(t => t.Name));
        Assert.Equal(2, tables[1].Rows);
        Assert.Contains(tables[1].Columns, c => c.Name == "channel");
        Assert.Equal(["2024-01-01", "2024-01-02"], tables[1].Partitions.Single(p => p.Key == "day").Values);
        Assert.Equal(2, tables[0].Rows);
        Assert.Equal(5L, Convert.ToInt64((await h.RowsAsync("SELECT sum(qty) FROM export_shop"))[0][0]));
        Assert.Equal(["de", "fr"], (await h.RowsAsync("SELECT country FROM export_people ORDER BY 1")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task A_recrawl_that_now_splits_replaces_the_earlier_table_of_that_path_and_name()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("drop");
        Write(root, "orders.csv", "invoice,sku,qty\n1,A,2\n");
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);
        Assert.Single(await crawler.CrawlAsync(root, null, default));
        var elsewhere = h.Combine("other");
        Write(elsewhere, "x.csv", "a\n1\n");
        Assert.Single(await crawler.CrawlAsync(elsewhere, "drop_elsewhere", default));

        Write(root, "people.csv", "customer,country\n7,fr\n");
        var tables = await crawler.CrawlAsync(root, null, default);

        Assert.Equal(["drop_orders", "drop_people"], tables.Select(t => t.Name));
        var listed = (await new CatalogReport(h.Warehouse, h.LakeStore).ListAsync(default)).Select(t => t.Name).ToList();
        Assert.DoesNotContain("drop", listed);
        Assert.Empty(await h.RowsAsync("SELECT table_name FROM information_schema.tables WHERE table_name = 'drop'"));
        // A table crawled from another path keeps its place, whatever its name.
        Assert.Contains("drop_elsewhere", listed);
    }

    [Fact]
    public async Task A_recrawl_whose_files_are_related_again_replaces_the_tables_of_the_earlier_split()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("merge");
        Write(root, "orders.csv", "invoice,sku,qty\n1,A,2\n");
        Write(root, "people.csv", "customer,country\n7,fr\n");
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);
        Assert.Equal(["merge_orders", "merge_people"], (await crawler.CrawlAsync(root, null, default)).Select(t => t.Name));
        // The same path crawled on purpose under one of the split's names is that user's table, not the split's.
        Assert.Equal("merge_people", Assert.Single(await crawler.CrawlAsync(Path.Combine(root, "people.csv"), "merge_people", default)).Crawl);

        File.WriteAllText(Path.Combine(root, "people.csv"), "invoice,sku,customer\n2,B,7\n");
        var table = Assert.Single(await crawler.CrawlAsync(root, null, default));

        Assert.Equal("merge", table.Name);
        Assert.Equal(2, table.Rows);
        var names = (await new CatalogStore(h.Warehouse).ListAsync(default)).Select(t => t.Name).ToList();
        Assert.Equal(["merge", "merge_people"], names);
        Assert.Empty(await h.RowsAsync("SELECT table_name FROM information_schema.tables WHERE table_name = 'merge_orders'"));
    }

    [Fact]
    public async Task A_table_belongs_to_its_path_and_another_path_under_its_name_is_refused_before_anything_is_written()
    {
        await using var h = await BatchHarness.StartAsync();
        var first = h.Combine("first");
        Write(first, "a.csv", "x,y\n1,2\n3,4\n");
        var crawler = new Crawler(h.Warehouse, TimeProvider.System);
        await crawler.CrawlAsync(first, "sales", default);
        var second = h.Combine("second");
        Write(second, "a.csv", "x,z\n5,6\n");

        var refused = await Assert.ThrowsAsync<CrawlException>(() => crawler.CrawlAsync(second, "sales", default));

        Assert.Contains($"table 'sales' holds the files of {first}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("emporium catalog drop sales", refused.Message, StringComparison.Ordinal);
        var sales = Assert.Single(await new CatalogStore(h.Warehouse).ListAsync(default));
        Assert.Equal((first, 2L, 1), (sales.Location, sales.Rows, sales.Version));
        Assert.Equal([[1L, 2L], [3L, 4L]], await h.RowsAsync("SELECT x, y FROM sales ORDER BY x"));

        // A split of the second path whose one table would take the first path's name: none of its tables are made.
        Write(second, "b.csv", "p,q\n1,2\n");
        File.Move(Path.Combine(second, "a.csv"), Path.Combine(second, "sales.csv"));
        await crawler.CrawlAsync(first, "t_sales", default);
        refused = await Assert.ThrowsAsync<CrawlException>(() => crawler.CrawlAsync(second, "t", default));
        Assert.Contains("table 't_sales' holds", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("t_b", (await new CatalogStore(h.Warehouse).ListAsync(default)).Select(t => t.Name));
    }

    [Fact]
    public async Task Dropping_a_crawled_table_removes_it_and_its_entry_and_datasets_are_not_dropped()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("gone");
        Write(root, "a.csv", "x\n1\n");
        await new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default);
        var store = new CatalogStore(h.Warehouse);

        Assert.Equal("gone", await store.DropAsync(" Gone ", default));

        Assert.Empty(await store.ListAsync(default));
        Assert.Empty(await h.RowsAsync("SELECT table_name FROM information_schema.tables WHERE table_name = 'gone'"));
        Assert.Empty(await h.RowsAsync($"SELECT * FROM {CatalogStore.ColumnsTable}"));
        Assert.Null(await store.DropAsync("gone", default));
        Assert.Equal("'gone' is not a crawled table (crawled: none)", await store.UnknownTableMessageAsync("gone", default));
        var refused = await Assert.ThrowsAsync<CrawlException>(() => store.DropAsync("orders", default));
        Assert.Contains("'orders' is a dataset or mart", refused.Message, StringComparison.Ordinal);
        Assert.Single(await h.RowsAsync("SELECT table_name FROM information_schema.tables WHERE table_name = 'orders'"));
    }

    /// <summary>The dead letters are not in the loadable datasets, but their table is the processor's: a crawl named
    /// after it replaced it with the crawled file, its rows were lost and every later batch of the processor failed
    /// on the missing columns, stalling ingest. Neither a crawl nor a drop may touch it.</summary>
    [Fact]
    public async Task The_dead_letters_table_is_neither_taken_by_a_crawl_nor_dropped()
    {
        await using var h = await BatchHarness.StartAsync();
        await h.Warehouse.InitializeAsync([DatasetCatalog.DeadLetters], default);
        var columns = "SELECT column_name FROM information_schema.columns WHERE table_name = 'dead_letters' ORDER BY ordinal_position";
        var before = await h.RowsAsync(columns);
        var root = h.Combine("letters");
        Write(root, "a.csv", "x\n1\n");

        var refused = await Assert.ThrowsAsync<CrawlException>(() => new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, "Dead_Letters", default));
        Assert.Contains("'dead_letters' is a dataset or mart", refused.Message, StringComparison.Ordinal);
        refused = await Assert.ThrowsAsync<CrawlException>(() => new CatalogStore(h.Warehouse).DropAsync("dead_letters", default));
        Assert.Contains("'dead_letters' is a dataset or mart", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await h.RowsAsync(columns));
        Assert.Contains(before, r => (string)r[0]! == "request_id");
    }

    /// <summary>The tables the DAGs fill are datasets too (loadable by name): a crawl named after one replaced it.</summary>
    [Theory]
    [InlineData("supplier_products")]
    [InlineData("Seller-Offers")]
    [InlineData("alerts")]
    public async Task Dag_tables_are_neither_taken_by_a_crawl_nor_dropped(string name)
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("dag");
        Write(root, "a.csv", "x\n1\n");
        var table = name.ToLowerInvariant().Replace('-', '_');

        var refused = await Assert.ThrowsAsync<CrawlException>(() => new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, name, default));
        Assert.Contains($"'{table}' is a dataset or mart", refused.Message, StringComparison.Ordinal);
        refused = await Assert.ThrowsAsync<CrawlException>(() => new CatalogStore(h.Warehouse).DropAsync(table, default));
        Assert.Contains($"'{table}' is a dataset or mart", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DatasetNamesAreNotTakenByCrawls()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = h.Combine("orders");
        Write(root, "a.csv", "x\n1\n");
        await Assert.ThrowsAsync<CrawlException>(() => new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));
    }

    /// <summary>The crawl's refusal of <paramref name="root"/>, which must leave no table of the folder's name behind.</summary>
    private static async Task<string> RefusedAsync(BatchHarness h, string root)
    {
        var error = await Assert.ThrowsAsync<CrawlException>(() => new Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));
        Assert.Equal(0, await h.CountAsync($"SELECT count(*) FROM information_schema.tables WHERE table_name = '{Path.GetFileName(root)}'"));
        return error.Message;
    }

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
