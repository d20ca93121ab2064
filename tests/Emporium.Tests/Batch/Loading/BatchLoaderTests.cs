using System.Globalization;
using System.Text.Json;
using Emporium.Batch.Formats;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Loading;

public sealed class BatchLoaderTests
{
    [Fact]
    public async Task ProductsCsvLoadsOnceAndForceReplaces()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.ProductsCsv, out var header);

        var first = await h.LoadAsync(DatasetCatalog.Products, SampleData.ProductsCsv);
        var file = Assert.Single(first.Files);
        Assert.Equal(FileLoadStatus.Loaded, file.Status);
        Assert.Equal(rows.Count, file.RowsLoaded);
        Assert.Equal(0, file.RowsRejected);
        Assert.Equal(rows.Count, await h.CountAsync("SELECT count(*) FROM products"));
        var price = Array.IndexOf(header, "price");
        Assert.Equal(rows.Sum(r => double.Parse(r[price]!, CultureInfo.InvariantCulture)), Convert.ToDouble((await h.RowsAsync("SELECT sum(price) FROM products"))[0][0]), 6);
        var loadedAt = (await h.RowsAsync("SELECT max(_loaded_at) FROM products"))[0][0];

        var again = await h.LoadAsync(DatasetCatalog.Products, SampleData.ProductsCsv);
        Assert.Equal(FileLoadStatus.Skipped, again.Files[0].Status);
        Assert.Equal(rows.Count, await h.CountAsync("SELECT count(*) FROM products"));
        Assert.Equal(loadedAt, (await h.RowsAsync("SELECT max(_loaded_at) FROM products"))[0][0]);

        var forced = await h.LoadAsync(new BatchLoadRequest(DatasetCatalog.Products, Force: true), SampleData.ProductsCsv);
        Assert.Equal(FileLoadStatus.Loaded, forced.Files[0].Status);
        Assert.Equal(rows.Count, await h.CountAsync("SELECT count(*) FROM products"));
        Assert.NotEqual(loadedAt, (await h.RowsAsync("SELECT max(_loaded_at) FROM products"))[0][0]);

        // Raw copy as received and clean Parquet that holds the same rows, visible through the manifest.
        var raw = Assert.Single(await h.VisibleAsync("products", LakeLayout.Raw));
        Assert.EndsWith("/amazon_products_small.csv", raw);
        Assert.Equal(File.ReadAllBytes(SampleData.ProductsCsv), File.ReadAllBytes(h.LakeStore.Resolve(raw)));
        var clean = await h.VisibleAsync("products", LakeLayout.Clean);
        Assert.NotEmpty(clean);
        var list = string.Join(", ", clean.Select(c => Sql(h.LakeStore.Resolve(c))));
        Assert.Equal(rows.Count, DuckScalar<long>($"SELECT count(*) FROM read_parquet([{list}])"));
        // The manifest counts the raw copy's rows too (it is stored before they are read).
        var lake = Assert.Single((await LakeReport.ReadAsync(h.LakeStore, CancellationToken.None)).Datasets, d => d.Dataset == "products");
        Assert.Equal([(LakeLayout.Clean, (long)rows.Count), (LakeLayout.Raw, (long)rows.Count)], lake.Zones.Select(z => (z.Zone, z.Rows)));
    }

    /// <summary>Two arrays of one JSON document, loaded with two <c>--json-path</c> values, are two loads: the second was
    /// skipped as "already loaded (same content)", and with <c>--force</c> it replaced the first array's rows. The
    /// records the detection finds, named by their path or not, are still one load (orders are appended: a second load
    /// of them would double them).</summary>
    [Fact]
    public async Task Another_json_path_of_the_same_document_is_another_load()
    {
        await using var h = await BatchHarness.StartAsync();
        var file = h.Combine("two.json");
        await File.WriteAllTextAsync(file, """
            {"a": [{"invoice_no": "1", "quantity": 1, "unit_price": 1.5}],
             "b": [{"invoice_no": "2", "quantity": 2, "unit_price": 2.5}, {"invoice_no": "3", "quantity": 3, "unit_price": 3.5}]}
            """);
        Task<LoadSummary> Load(string? path, bool force = false) =>
            h.LoadAsync(new BatchLoadRequest(DatasetCatalog.Orders, Force: force, Read: ReadSettings.Default with { JsonPath = path }), file);

        Assert.Equal(FileLoadStatus.Loaded, (await Load(null)).Files[0].Status);
        Assert.Equal(FileLoadStatus.Skipped, (await Load("$.a[*]")).Files[0].Status);
        var b = (await Load("b")).Files[0];
        Assert.Equal((FileLoadStatus.Loaded, 2L), (b.Status, b.RowsLoaded));
        var again = (await Load("b")).Files[0];
        Assert.Equal(FileLoadStatus.Skipped, again.Status);
        Assert.Contains("records at $.b[*]", again.Warnings[0], StringComparison.Ordinal);
        Assert.Equal(FileLoadStatus.Loaded, (await Load("b", force: true)).Files[0].Status);

        Assert.Equal(["1", "2", "3"], (await h.RowsAsync("SELECT invoice_no FROM orders ORDER BY invoice_no")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task OrdersInBothDateStylesAndAsXlsxGiveTheSameWarehouseRows()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.OnlineRetail, out var header);
        var date = Array.IndexOf(header, "InvoiceDate");
        var customer = Array.IndexOf(header, "CustomerID");

        // The original UCI export style: 12/1/2010 8:26 and integer customer ids.
        var usStyle = h.Combine("online_retail_us_dates.csv");
        File.WriteAllLines(usStyle, [string.Join(',', header), .. rows.Select(r => string.Join(',', r.Select((v, i) =>
            i == date ? DateTime.ParseExact(v!, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture).ToString("M/d/yyyy H:mm", CultureInfo.InvariantCulture)
            : i == customer && v is not null ? v.Replace(".0", "")
            : Csv(v))))]);
        var xlsx = h.Combine("Online Retail.xlsx");
        WriteXlsx(xlsx, header, rows, new HashSet<string> { "InvoiceDate" });

        var summary = await h.LoadAsync(DatasetCatalog.Orders, SampleData.OnlineRetail, usStyle, xlsx);

        Assert.All(summary.Files, f => Assert.Equal(FileLoadStatus.Loaded, f.Status));
        Assert.All(summary.Files, f => Assert.Equal(rows.Count, f.RowsLoaded + f.RowsRejected));
        var perFile = await h.RowsAsync("""
            SELECT _source, count(*), sum(quantity), round(sum(quantity * unit_price), 2), count(customer_id), sum(customer_id),
                   min(invoice_date), max(invoice_date), count(DISTINCT country)
            FROM orders GROUP BY _source ORDER BY _source
            """);
        Assert.Equal(3, perFile.Count);
        Assert.All(perFile, r => Assert.Equal(perFile[0][1..], r[1..]));
        var expectedCustomers = rows.Where(r => r[customer] is not null).Sum(r => (long)double.Parse(r[customer]!, CultureInfo.InvariantCulture));
        Assert.Equal(expectedCustomers, Convert.ToInt64(perFile[0][5], CultureInfo.InvariantCulture));
        Assert.Equal(new DateTime(2010, 12, 1, 8, 26, 0), (DateTime)perFile[0][6]!);
    }

    [Fact]
    public async Task BadRowsAreQuarantinedWithLineColumnAndReasonAndGoodRowsLoad()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("categories.csv");
        File.WriteAllText(path, "id,category_name\n1,Beading\nabc,Fabric\n3,Too,many\n4,Crafts\n,Nameless\n");

        var summary = await h.LoadAsync(DatasetCatalog.Categories, path);

        var file = summary.Files[0];
        Assert.Equal(FileLoadStatus.Loaded, file.Status);
        Assert.Equal(2, file.RowsLoaded);
        Assert.Equal(3, file.RowsRejected);
        Assert.False(summary.HasErrors);
        Assert.Equal([1L, 4L], (await h.RowsAsync("SELECT id FROM categories ORDER BY id")).Select(r => (long)r[0]!));
        var quarantine = Assert.Single(file.Quarantine);
        Assert.StartsWith("quarantine/categories/", quarantine);
        var entries = File.ReadAllLines(h.LakeStore.Resolve(quarantine)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([3L, 4L, 6L], entries.Select(e => e.GetProperty("line").GetInt64()));
        Assert.Equal("id", entries[0].GetProperty("column").GetString());
        Assert.Equal("field 3", entries[1].GetProperty("column").GetString());
        Assert.All(entries, e => Assert.Equal("categories.csv", e.GetProperty("file").GetString()));
        Assert.All(entries, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("reason").GetString())));
    }

    /// <summary>A key over <see cref="DatasetSchema.MaxKeyBytes"/> is quarantined by the rules on every path (DuckDB's
    /// bulk SQL leaves the row to the normalizer, which gives the reason), as ingest refuses it, so no warehouse is left
    /// to refuse it (PostgreSQL cannot index it) or keep it (DuckDB can).</summary>
    [Theory]
    [InlineData("csv", true)]
    [InlineData("ndjson", false)]
    public async Task A_key_over_the_key_limit_is_quarantined_and_the_others_load(string extension, bool bulk)
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine($"products.{extension}");
        var asins = new[] { "B01", new string('B', 1_025), "B03" };
        File.WriteAllLines(path, extension == "csv"
            ? ["asin,title,price", .. asins.Select(a => $"{a},Lamp,12.5")]
            : asins.Select(a => JsonSerializer.Serialize(new { asin = a, title = "Lamp", price = 12.5 })));

        var file = (await h.LoadAsync(DatasetCatalog.Products, path)).Files[0];

        Assert.Equal((FileLoadStatus.Loaded, bulk, 2L, 1L), (file.Status, file.Bulk, file.RowsLoaded, file.RowsRejected));
        Assert.Equal(["B01", "B03"], (await h.RowsAsync("SELECT asin FROM products ORDER BY asin")).Select(r => (string)r[0]!));
        var entry = JsonDocument.Parse(File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))[0]).RootElement;
        Assert.Equal(2L, entry.GetProperty("record").GetInt64());
        Assert.Equal("asin", entry.GetProperty("column").GetString());
        Assert.Equal("asin: a key may have at most 1024 bytes of UTF-8, this one has 1025", entry.GetProperty("reason").GetString());
    }

    /// <summary>A country too long for its lake folder is quarantined on every path, as ingest refuses it, so the
    /// stream processor never gets a partition value the file system refuses.</summary>
    [Theory]
    [InlineData("csv", true)]
    [InlineData("ndjson", false)]
    public async Task A_country_too_long_for_its_lake_folder_is_quarantined_and_the_others_load(string extension, bool bulk)
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine($"orders.{extension}");
        var countries = new[] { "France", new string('\u00E9', 41), "Spain" };
        File.WriteAllLines(path, extension == "csv"
            ? ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country", .. countries.Select((c, i) => $"{i + 1},S{i},Mug,2,2024-01-02 10:00,1.5,7,{c}")]
            : countries.Select((c, i) => JsonSerializer.Serialize(new { InvoiceNo = $"{i + 1}", StockCode = $"S{i}", Description = "Mug", Quantity = 2, InvoiceDate = "2024-01-02 10:00", UnitPrice = 1.5, CustomerID = 7, Country = c })));

        var file = (await h.LoadAsync(DatasetCatalog.Orders, path)).Files[0];

        Assert.Equal((FileLoadStatus.Loaded, bulk, 2L, 1L), (file.Status, file.Bulk, file.RowsLoaded, file.RowsRejected));
        Assert.Equal(["france", "spain"], (await h.RowsAsync("SELECT country FROM orders ORDER BY country")).Select(r => (string)r[0]!));
        var entry = JsonDocument.Parse(File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))[0]).RootElement;
        Assert.Equal("country", entry.GetProperty("column").GetString());
        Assert.Equal("country: a lake partition value may have at most 80 bytes of UTF-8, this one has 82", entry.GetProperty("reason").GetString());
    }

    /// <summary>A JSON string whose \u escape is half a surrogate pair is valid syntax that no text can hold: it
    /// crashed the load with an unhandled exception; now only its row is quarantined, naming the field.</summary>
    [Fact]
    public async Task A_row_with_a_lone_surrogate_escape_is_quarantined_and_the_others_load()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("categories.ndjson");
        File.WriteAllText(path, "{\"id\":801,\"category_name\":\"good one\"}\n{\"id\":802,\"category_name\":\"bad\\ud800\"}\n{\"id\":803,\"category_name\":\"good two\"}\n");

        var file = (await h.LoadAsync(DatasetCatalog.Categories, path)).Files[0];

        Assert.Equal((FileLoadStatus.Loaded, 2L, 1L), (file.Status, file.RowsLoaded, file.RowsRejected));
        Assert.Equal([801L, 803L], (await h.RowsAsync("SELECT id FROM categories ORDER BY id")).Select(r => (long)r[0]!));
        var entry = JsonDocument.Parse(File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))[0]).RootElement;
        Assert.Equal(2L, entry.GetProperty("line").GetInt64());
        Assert.Equal("category_name", entry.GetProperty("column").GetString());
        Assert.StartsWith("category_name: not valid text: a \\u escape is half of a UTF-16 surrogate pair", entry.GetProperty("reason").GetString());
    }

    /// <summary>A CSV value holding U+0000 took DuckDB's bulk path, which keeps it, while every other path refuses it
    /// (PostgreSQL's text cannot hold it): such a file now takes the normalizer's path and only that row is refused.</summary>
    [Fact]
    public async Task A_csv_row_with_a_nul_character_is_quarantined_as_on_every_other_path()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("categories.csv");
        // Past the head the format is sniffed from (a NUL there makes the file binary and refused whole).
        File.WriteAllLines(path, ["id,category_name", .. Enumerable.Range(1, 5000).Select(i => $"{i},Category number {i}"), "5001,Fab\0ric", "5002,Crafts"]);

        var file = (await h.LoadAsync(DatasetCatalog.Categories, path)).Files[0];

        Assert.Equal((FileLoadStatus.Loaded, 5001L, 1L, false), (file.Status, file.RowsLoaded, file.RowsRejected, file.Bulk));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM categories WHERE id = 5001"));
        var entry = JsonDocument.Parse(File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))[0]).RootElement;
        Assert.Contains("contains a NUL character (U+0000)", entry.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task AFileThatBrokeOffIsRecordedAsFailedSoAReloadReportsItAgainWithoutDoublingRows()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("orders.csv");
        File.WriteAllText(path, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n" +
            "1,A,Mug,2,2010-12-01 08:26:00,2.5,17850,UK\n2,B,\"Never closed,1,2010-12-01 08:26:00,1,17850,UK\n3,C,Cup,1,2010-12-01 08:26:00,1,17850,UK\n");

        var first = (await h.LoadAsync(DatasetCatalog.Orders, path)).Files[0];
        var again = (await h.LoadAsync(DatasetCatalog.Orders, path)).Files[0];

        Assert.Equal(FileLoadStatus.Failed, first.Status);
        Assert.Equal(FileLoadStatus.Failed, again.Status);
        Assert.Contains("line 3", again.Error);
        Assert.Contains(again.Warnings, w => w.Contains("failed before", StringComparison.Ordinal));
        Assert.Equal(1, await h.CountAsync("SELECT count(*) FROM orders"));
    }

    /// <summary>A download or copy that stopped mid-record leaves a file whose last record has no line end and is cut
    /// short. It used to load as a good file with one bad row (CSV, NDJSON), so the complete file, loaded next under
    /// the same name, was new content and its rows came on top of the cut file's: every order counted twice. The cut
    /// is now a damaged file on every format, as a JSON array cut short and an unterminated quote were: the file fails
    /// naming the line (and byte) where it breaks, it is recorded as failed, and the complete file replaces its rows.</summary>
    [Theory]
    [InlineData("csv", true)]
    [InlineData("csv", false)]
    [InlineData("ndjson", false)]
    [InlineData("json", false)]
    public async Task A_file_cut_off_mid_record_fails_and_the_complete_file_replaces_its_rows(string format, bool bulk)
    {
        await using var h = await BatchHarness.StartAsync(new BatchLoaderOptions { Bulk = bulk });
        var csv = File.ReadAllLines(SampleData.OnlineRetail).Take(201).ToArray();
        var header = csv[0].Split(',');
        var records = ParseCsv(SampleData.OnlineRetail, out _).Take(200)
            .Select(r => JsonSerializer.Serialize(header.Select((name, i) => (name, value: r[i])).ToDictionary(x => x.name, x => x.value)))
            .ToList();
        var complete = format switch
        {
            "csv" => string.Join('\n', csv) + "\n",
            "ndjson" => string.Join('\n', records) + "\n",
            _ => "[\n" + string.Join(",\n", records) + "\n]\n",
        };
        // Cut in the middle of the line of record 150 (CSV: line 151 after the header; JSON: after the '[' line).
        var cutLine = format == "ndjson" ? 150 : 151;
        var lineStart = 0;
        for (var i = 1; i < cutLine; i++)
        {
            lineStart = complete.IndexOf('\n', lineStart) + 1;
        }
        var cut = complete[..(lineStart + 25)];
        Directory.CreateDirectory(h.Combine("monday"));
        Directory.CreateDirectory(h.Combine("tuesday"));
        var broken = h.Combine("monday", $"orders.{format}");
        var whole = h.Combine("tuesday", $"orders.{format}");
        File.WriteAllText(broken, cut);
        File.WriteAllText(whole, complete);

        var first = (await h.LoadAsync(DatasetCatalog.Orders, broken)).Files[0];

        Assert.Equal(FileLoadStatus.Failed, first.Status);
        Assert.Contains("cut short", first.Error);
        Assert.Contains($"line {cutLine}", first.Error);
        if (format != "csv")
        {
            Assert.Contains($"byte {lineStart + 1} ", first.Error); // where the cut record starts, 1-based
        }
        Assert.Equal(149, first.RowsLoaded);
        var second = (await h.LoadAsync(DatasetCatalog.Orders, whole)).Files[0];
        Assert.Equal((FileLoadStatus.Loaded, 200L), (second.Status, second.RowsLoaded));
        Assert.Contains(second.Warnings, w => w.Contains("replaces the rows of an earlier load", StringComparison.Ordinal));
        Assert.Equal(200, await h.CountAsync("SELECT count(*) FROM orders"));
    }

    /// <summary>A column given twice follows one rule whatever the format, the rule a JSON record with a repeated key
    /// already had: a value beats an empty one, the same value twice is harmless, two different values refuse the row
    /// naming the column. A CSV header with <c>price</c> twice used to keep the first column's value silently (an empty
    /// first price beside a real second one loaded as null) and call the second "price_2, not in the dataset".</summary>
    [Theory]
    [InlineData("csv", true)]
    [InlineData("csv", false)]
    [InlineData("ndjson", false)]
    public async Task A_column_given_twice_is_resolved_by_one_rule_on_every_format(string format, bool bulk)
    {
        await using var h = await BatchHarness.StartAsync(new BatchLoaderOptions { Bulk = bulk });
        var path = h.Combine($"products.{format}");
        File.WriteAllText(path, format == "csv"
            ? "asin,title,price,price\nB1,Lamp,12.5,13.0\nB2,Mug,3,3.0\nB3,Cup,,4\nB4,Jar,5,\n"
            : """
              {"asin":"B1","title":"Lamp","price":12.5,"price":13.0}
              {"asin":"B2","title":"Mug","price":3,"price":3.0}
              {"asin":"B3","title":"Cup","price":null,"price":4}
              {"asin":"B4","title":"Jar","price":5,"price":null}

              """);

        var file = (await h.LoadAsync(DatasetCatalog.Products, path)).Files[0];

        Assert.Equal((FileLoadStatus.Loaded, 3L, 1L), (file.Status, file.RowsLoaded, file.RowsRejected));
        Assert.DoesNotContain(file.Warnings, w => w.Contains("price", StringComparison.Ordinal));
        Assert.Equal([["B2", 3.0], ["B3", 4.0], ["B4", 5.0]],
            (await h.RowsAsync("SELECT asin, price FROM products ORDER BY asin")).Select(r => new object?[] { r[0], Convert.ToDouble(r[1], CultureInfo.InvariantCulture) }));
        var entry = JsonDocument.Parse(File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))[0]).RootElement;
        Assert.Equal((1L, "price", $"price: {RecordNormalizer.DuplicateField}"),
            (entry.GetProperty("record").GetInt64(), entry.GetProperty("column").GetString(), entry.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task StrictLoadsNothingFromAFileWithBadRows()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("categories.csv");
        File.WriteAllText(path, "id,category_name\n1,Beading\nabc,Fabric\n");

        var summary = await h.LoadAsync(new BatchLoadRequest(DatasetCatalog.Categories, Strict: true), path);

        Assert.True(summary.HasErrors);
        Assert.Equal(FileLoadStatus.Rejected, summary.Files[0].Status);
        Assert.Equal(1, summary.Files[0].RowsRejected);
        Assert.Single(summary.Files[0].Quarantine);
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM categories"));
    }

    [Fact]
    public async Task AFileThatConflictsWithTheSchemaIsRefusedWithItsReason()
    {
        await using var h = await BatchHarness.StartAsync();

        var summary = await h.LoadAsync(DatasetCatalog.Products, SampleData.CategoriesCsv, SampleData.ProductsCsv);

        Assert.True(summary.HasErrors);
        Assert.Equal(FileLoadStatus.Failed, summary.Files[0].Status);
        Assert.Contains("asin", summary.Files[0].Error);
        Assert.Single(summary.Files[0].Quarantine);
        Assert.Equal(FileLoadStatus.Loaded, summary.Files[1].Status);
        Assert.Equal(summary.Files[1].RowsLoaded, await h.CountAsync("SELECT count(*) FROM products"));
    }

    [Fact]
    public async Task UnreadableFilesFailByNameAndOthersStillLoad()
    {
        await using var h = await BatchHarness.StartAsync();
        var empty = h.Combine("empty.csv");
        File.WriteAllBytes(empty, []);
        var broken = h.Combine("broken.xlsx");
        File.WriteAllBytes(broken, [.. "PK\u0003\u0004"u8.ToArray(), 1, 2, 3]);
        var quote = h.Combine("quote.csv");
        File.WriteAllText(quote, "id,category_name\n1,A\n2,\"B\n3,C\n");

        var summary = await h.LoadAsync(DatasetCatalog.Categories, empty, broken, quote, SampleData.CategoriesCsv);

        Assert.Equal([FileLoadStatus.Failed, FileLoadStatus.Failed, FileLoadStatus.Failed, FileLoadStatus.Loaded], summary.Files.Select(f => f.Status));
        Assert.Contains("empty", summary.Files[0].Error);
        Assert.Contains("workbook", summary.Files[1].Error);
        Assert.Contains("line 3", summary.Files[2].Error);
        Assert.Equal(1, summary.Files[2].RowsLoaded); // the row before the broken quote is kept
        Assert.Equal(248 + 0, await h.CountAsync("SELECT count(*) FROM categories WHERE _source <> 'file:" + summary.Files[2].Sha256 + "'"));
    }

    [Fact]
    public async Task AFixedFileReplacesTheRowsItsBrokenVersionLeftSoOrdersAreNotCountedTwice()
    {
        await using var h = await BatchHarness.StartAsync();
        var lines = File.ReadAllLines(SampleData.OnlineRetail).Take(1001).ToArray();
        Directory.CreateDirectory(h.Combine("monday"));
        Directory.CreateDirectory(h.Combine("tuesday"));
        var broken = h.Combine("monday", "orders_2010-12-01.csv");
        var fixedFile = h.Combine("tuesday", "orders_2010-12-01.csv");
        var damaged = lines.ToArray();
        var fields = damaged[500].Split(',');
        fields[1] = "\"" + fields[1]; // a quote opened in the stock code and never closed
        damaged[500] = string.Join(',', fields);
        File.WriteAllLines(broken, damaged);
        File.WriteAllLines(fixedFile, lines);
        var other = h.Combine("other.csv");
        File.WriteAllLines(other, lines.Take(1).Concat(lines.Skip(900)));

        var first = (await h.LoadAsync(DatasetCatalog.Orders, broken, other)).Files;
        Assert.Equal(FileLoadStatus.Failed, first[0].Status);
        Assert.InRange(first[0].RowsLoaded, 100, 499);
        var second = (await h.LoadAsync(DatasetCatalog.Orders, fixedFile)).Files[0];

        Assert.Equal(FileLoadStatus.Loaded, second.Status);
        Assert.Contains(second.Warnings, w => w.Contains("replaces the rows of an earlier load", StringComparison.Ordinal));
        Assert.Equal(0, await h.CountAsync($"SELECT count(*) FROM orders WHERE _source = 'file:{first[0].Sha256}'"));
        // A file of another name that loaded is left alone.
        Assert.Equal(second.RowsLoaded + first[1].RowsLoaded, await h.CountAsync("SELECT count(*) FROM orders"));
        var clean = await h.VisibleAsync("orders", LakeLayout.Clean);
        var list = string.Join(", ", clean.Select(c => Sql(h.LakeStore.Resolve(c))));
        Assert.Equal(second.RowsLoaded + first[1].RowsLoaded, DuckScalar<long>($"SELECT count(*) FROM read_parquet([{list}])"));

    }

    [Fact]
    public async Task SmallChunksGiveTheSameResultAsOneTransaction()
    {
        await using var h = await BatchHarness.StartAsync(new BatchLoaderOptions { ChunkRows = 1000, OneTransactionPerFile = false });

        var summary = await h.LoadAsync(DatasetCatalog.Orders, SampleData.OnlineRetail);

        var file = summary.Files[0];
        Assert.Equal(8000, file.RowsRead);
        Assert.Equal(file.RowsLoaded, await h.CountAsync("SELECT count(*) FROM orders"));
        var clean = await h.VisibleAsync("orders", LakeLayout.Clean);
        Assert.Contains(clean, c => c.Contains("/country=united%20kingdom/", StringComparison.Ordinal));
        var list = string.Join(", ", clean.Select(c => Sql(h.LakeStore.Resolve(c))));
        Assert.Equal(file.RowsLoaded, DuckScalar<long>($"SELECT count(*) FROM read_parquet([{list}])"));
        Assert.Equal(file.RowsLoaded, DuckScalar<long>($"SELECT count(DISTINCT _offset) FROM read_parquet([{list}])"));
    }

    [Fact]
    public async Task RapidApiSearchResponseLoadsIntoSellerOffersWithTheJobsValues()
    {
        await using var h = await BatchHarness.StartAsync();
        var spec = new LoadSpec([SampleData.SellerSearchResponse], "seller_offers",
            Set: new Dictionary<string, string> { ["seller_id"] = "A02211013Q5HP3OMSZC7W", ["snapshot_date"] = "2024-01-10" });

        var resolved = spec.Resolve();
        var summary = await h.Loader.LoadAsync(resolved.Files, resolved.Request, null, default);

        using var doc = JsonDocument.Parse(File.ReadAllBytes(SampleData.SellerSearchResponse));
        var products = doc.RootElement.GetProperty("data").GetProperty("products").EnumerateArray().ToList();
        Assert.Equal(products.Count, summary.Files[0].RowsLoaded);
        var expected = products.Sum(p => double.Parse(p.GetProperty("product_price").GetString()!.TrimStart('$'), CultureInfo.InvariantCulture));
        Assert.Equal(expected, Convert.ToDouble((await h.RowsAsync("SELECT sum(product_price) FROM seller_offers"))[0][0]), 6);
        Assert.Equal(products.Count, await h.CountAsync("SELECT count(*) FROM seller_offers WHERE seller_id = 'A02211013Q5HP3OMSZC7W'"));
    }

    private static BatchLoadRequest SellerOffers(bool force = false) =>
        new LoadSpec([SampleData.SellerSearchResponse], "seller_offers", Force: force,
            Set: new Dictionary<string, string> { ["seller_id"] = "A1", ["snapshot_date"] = "2024-01-10" }).Resolve().Request;

    [Fact]
    public async Task ContentLoadedIntoOneDatasetStillLoadsIntoAnotherAndForceReplacesOnlyThatDatasetsRows()
    {
        await using var h = await BatchHarness.StartAsync();
        var products = await h.LoadAsync(DatasetCatalog.Products, SampleData.SellerSearchResponse);
        var loaded = Assert.Single(products.Files);
        Assert.Equal(FileLoadStatus.Loaded, loaded.Status);
        Assert.True(loaded.RowsLoaded > 0);

        var offers = await h.LoadAsync(SellerOffers(), SampleData.SellerSearchResponse);
        Assert.Equal(FileLoadStatus.Loaded, offers.Files[0].Status);
        Assert.Equal(loaded.RowsRead, offers.Files[0].RowsLoaded);
        Assert.Equal(loaded.RowsRead, await h.CountAsync("SELECT count(*) FROM seller_offers WHERE seller_id = 'A1'"));
        Assert.Single(await h.VisibleAsync("seller_offers", LakeLayout.Raw));

        // Each dataset now skips the content on its own record.
        Assert.Equal(FileLoadStatus.Skipped, (await h.LoadAsync(DatasetCatalog.Products, SampleData.SellerSearchResponse)).Files[0].Status);
        var skipped = (await h.LoadAsync(SellerOffers(), SampleData.SellerSearchResponse)).Files[0];
        Assert.Equal(FileLoadStatus.Skipped, skipped.Status);
        Assert.Contains(skipped.Warnings, w => w.Contains("'seller_offers'", StringComparison.Ordinal));

        // --force replaces the rows of the dataset it names, and leaves the other dataset's rows of the same content.
        var productsLoadedAt = (await h.RowsAsync("SELECT max(_loaded_at) FROM products"))[0][0];
        Assert.Equal(FileLoadStatus.Loaded, (await h.LoadAsync(SellerOffers(force: true), SampleData.SellerSearchResponse)).Files[0].Status);
        Assert.Equal(loaded.RowsRead, await h.CountAsync("SELECT count(*) FROM seller_offers"));
        Assert.Equal(loaded.RowsLoaded, await h.CountAsync("SELECT count(*) FROM products"));
        Assert.Equal(productsLoadedAt, (await h.RowsAsync("SELECT max(_loaded_at) FROM products"))[0][0]);
    }

    [Fact]
    public async Task AContentOnlyRecordOfAnOlderDataDirStillSkipsTheFileForItsDatasetOnly()
    {
        await using var h = await BatchHarness.StartAsync();
        var first = (await h.LoadAsync(DatasetCatalog.Products, SampleData.SellerSearchResponse)).Files[0];
        // Older versions recorded a load under file:<sha256>, without the dataset.
        var moved = await h.CountAsync($"SELECT count(*) FROM _emporium_offsets WHERE topic = 'file:products:{first.Sha256}'");
        Assert.Equal(2, moved);
        await h.Warehouse.ExecuteAsync($"UPDATE _emporium_offsets SET topic = 'file:{first.Sha256}' WHERE topic = 'file:products:{first.Sha256}'", CancellationToken.None);

        Assert.Equal(FileLoadStatus.Skipped, (await h.LoadAsync(DatasetCatalog.Products, SampleData.SellerSearchResponse)).Files[0].Status);
        Assert.Equal(first.RowsLoaded, await h.CountAsync("SELECT count(*) FROM products"));
        Assert.Equal(FileLoadStatus.Loaded, (await h.LoadAsync(SellerOffers(), SampleData.SellerSearchResponse)).Files[0].Status);
        Assert.Equal(first.RowsRead, await h.CountAsync("SELECT count(*) FROM seller_offers"));
    }

    /// <summary>A keyed dataset keeps one row per key, the file's last: "loaded" used to count every good row (6 here)
    /// though 3 landed. It now says what landed, and the rows whose key a later row of the file repeats are counted apart,
    /// so read = loaded + duplicate-key + rejected, on every path (DuckDB's CSV reader, staged rows, chunked commits).</summary>
    [Theory]
    [InlineData("csv", true, true)]
    [InlineData("ndjson", true, true)]
    [InlineData("csv", false, false)]
    public async Task Rows_whose_key_a_later_row_repeats_count_as_duplicates_not_loaded(string format, bool bulk, bool oneTransaction)
    {
        await using var h = await BatchHarness.StartAsync(new BatchLoaderOptions { Bulk = bulk, OneTransactionPerFile = oneTransaction });
        string[][] rows = [["A1", "1"], ["A1", "2"], ["B1", "3"], ["A1", "4"], ["C1", "5"], ["B1", "6"], ["D1", "-1"]];
        var file = h.Combine($"products.{format}");
        File.WriteAllLines(file, format == "csv"
            ? ["asin,title,price", .. rows.Select(r => $"{r[0]},mug,{r[1]}")]
            : rows.Select(r => $"{{\"asin\":\"{r[0]}\",\"title\":\"mug\",\"price\":{r[1]}}}"));

        var summary = await h.LoadAsync(DatasetCatalog.Products, file);

        var result = Assert.Single(summary.Files);
        Assert.Equal(FileLoadStatus.Loaded, result.Status);
        Assert.Equal((7L, 3L, 3L, 1L), (result.RowsRead, result.RowsLoaded, result.RowsDuplicateKey, result.RowsRejected));
        Assert.Equal((7L, 3L, 3L), (summary.RowsRead, summary.RowsLoaded, summary.RowsDuplicateKey));
        Assert.Contains(result.Warnings, w => w.Contains("3 row(s)", StringComparison.Ordinal) && w.Contains("same key", StringComparison.Ordinal));
        Assert.Equal(result.RowsLoaded, await h.CountAsync("SELECT count(*) FROM products"));
        Assert.Equal([("A1", 4.0), ("B1", 6.0), ("C1", 5.0)], (await h.RowsAsync("SELECT asin, price FROM products ORDER BY asin")).Select(r => ((string)r[0]!, (double)r[1]!)));
        // The clean zone keeps every good row, as the raw file does.
        var clean = await h.VisibleAsync("products", LakeLayout.Clean);
        Assert.Equal(6L, (long)(await LakeParquet.QueryAsync(h.LakeStore, clean, "count(*)"))[0][0]!);

        // Appended datasets keep every row: none is a duplicate.
        var orders = h.Combine("orders.csv");
        File.WriteAllLines(orders, ["InvoiceNo,StockCode,Quantity,UnitPrice", "1,A,1,1.0", "1,A,1,1.0"]);
        var appended = Assert.Single((await h.LoadAsync(DatasetCatalog.Orders, orders)).Files);
        Assert.Equal((2L, 2L, 0L), (appended.RowsRead, appended.RowsLoaded, appended.RowsDuplicateKey));
    }
}
