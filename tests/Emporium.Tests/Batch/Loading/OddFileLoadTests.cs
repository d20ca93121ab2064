using System.Globalization;
using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Loading;

/// <summary>Real-world exports in shapes the samples do not have (old line ends, cover sheets, empty result pages),
/// loaded end to end: their good rows land, and a file that holds no usable table is refused with its reason.</summary>
public sealed class OddFileLoadTests
{
    [Fact]
    public async Task A_cr_only_export_of_the_online_retail_sample_loads_every_row()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.OnlineRetail, out var header);
        var quantity = Array.IndexOf(header, "Quantity");
        // Classic Mac OS line ends: a lone CR after each record, no LF anywhere.
        var path = h.Combine("online_retail_mac.csv");
        File.WriteAllText(path, File.ReadAllText(SampleData.OnlineRetail).Replace("\r\n", "\n").Replace('\n', '\r'));

        var summary = await h.LoadAsync(DatasetCatalog.Orders, path);

        var file = Assert.Single(summary.Files);
        Assert.Null(file.Error);
        Assert.Equal(FileLoadStatus.Loaded, file.Status);
        Assert.Equal(rows.Count, file.RowsLoaded);
        Assert.Equal(rows.Sum(r => long.Parse(r[quantity]!, CultureInfo.InvariantCulture)), await h.CountAsync("SELECT sum(quantity) FROM orders"));
    }

    /// <summary>A formula that failed (<c>=A2/B2</c> on an empty cell) shows <c>#DIV/0!</c>; the workbook reader read
    /// such cells as empty, so a price of <c>#DIV/0!</c> loaded as a null price, silently. A row with an error in a
    /// column the dataset takes is quarantined with its sheet row, column and the error; an error in a column the
    /// dataset does not take (a helper column) leaves the row alone.</summary>
    [Fact]
    public async Task Excel_error_cells_quarantine_their_row_naming_sheet_row_column_and_error()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.OnlineRetail, out var header).Take(20).Select(r => (string?[])[.. r, "1"]).ToList();
        var price = Array.IndexOf(header, "UnitPrice");
        var description = Array.IndexOf(header, "Description");
        var helper = header.Length;
        rows[3][price] = "#DIV/0!";
        rows[7][description] = "#N/A";
        rows[9][price] = "#VALUE!";
        rows[9][description] = "#REF!";
        rows[12][helper] = "#NAME?";
        var path = h.Combine("orders.xlsx");
        WriteXlsx(path, [.. header, "Check"], rows, new HashSet<string> { "InvoiceDate" });

        var file = Assert.Single((await h.LoadAsync(DatasetCatalog.Orders, path)).Files);

        Assert.Equal((FileLoadStatus.Loaded, 17L, 3L), (file.Status, file.RowsLoaded, file.RowsRejected));
        var entries = File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        // The sheet row: the header is row 1, data row k is row k + 1.
        Assert.Equal([5L, 9L, 11L], entries.Select(e => e.GetProperty("line").GetInt64()));
        Assert.Equal(["UnitPrice", "Description", "Description, UnitPrice"], entries.Select(e => e.GetProperty("column").GetString()));
        Assert.Equal("UnitPrice: the cell F5 of sheet 'Online Retail' holds the Excel error #DIV/0! (a formula that failed)", entries[0].GetProperty("reason").GetString());
        Assert.Contains("C11 of sheet 'Online Retail' holds the Excel error #REF!", entries[2].GetProperty("reason").GetString());
        Assert.Contains("F11 of sheet 'Online Retail' holds the Excel error #VALUE!", entries[2].GetProperty("reason").GetString());
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM orders WHERE unit_price IS NULL OR description IS NULL OR description LIKE '#%'"));
    }

    /// <summary>A workbook written by a program that writes formulas without computing them (a report generator, a
    /// script) has no saved result in those cells, which the reader gave as empty: a price of <c>=D2*1.2</c> loaded as
    /// null. The row is quarantined saying so.</summary>
    [Fact]
    public async Task A_formula_without_a_saved_result_quarantines_its_row()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.OnlineRetail, out var header).Take(5).ToList();
        rows[2][Array.IndexOf(header, "UnitPrice")] = "=D4*1.2";
        var path = h.Combine("generated.xlsx");
        WriteXlsx(path, header, rows, new HashSet<string> { "InvoiceDate" });

        var file = Assert.Single((await h.LoadAsync(DatasetCatalog.Orders, path)).Files);

        Assert.Equal((4L, 1L), (file.RowsLoaded, file.RowsRejected));
        var entry = System.Text.Json.JsonDocument.Parse(File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))[0]).RootElement;
        Assert.Equal((4L, "UnitPrice"), (entry.GetProperty("line").GetInt64(), entry.GetProperty("column").GetString()));
        Assert.StartsWith("UnitPrice: the cell F4 of sheet 'Online Retail' holds a formula with no saved result", entry.GetProperty("reason").GetString());
    }

    /// <summary>A report sheet merges a country over the rows of its orders: Excel shows the value in every cell of the
    /// range, but stores it in the first cell only, so every other row loaded without a country. Each cell of a merged range now takes the range's value, as the sheet shows it, with a warning.</summary>
    [Fact]
    public async Task A_merged_cell_gives_its_value_to_every_row_and_column_it_spans()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.OnlineRetail, out var header).Take(10).ToList();
        var country = Array.IndexOf(header, "Country");
        for (var r = 1; r < 6; r++)
        {
            rows[r][country] = null; // H3:H7 merged into H2's "United Kingdom"
        }
        rows[8][country] = "France";
        var path = h.Combine("report.xlsx");
        WriteXlsx(path, header, rows, new HashSet<string> { "InvoiceDate" }, merges: ["H2:H7"]);

        var file = Assert.Single((await h.LoadAsync(DatasetCatalog.Orders, path)).Files);

        Assert.Equal((FileLoadStatus.Loaded, 10L), (file.Status, file.RowsLoaded));
        Assert.Equal(9, await h.CountAsync("SELECT count(*) FROM orders WHERE country = 'united kingdom'"));
        Assert.Equal(1, await h.CountAsync("SELECT count(*) FROM orders WHERE country = 'france'"));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM orders WHERE country IS NULL"));
        Assert.Contains(file.Warnings, w => w.Contains("1 merged cell range(s)", StringComparison.Ordinal));
    }

    /// <summary>Excel's <c>sep=;</c> first line names the delimiter; it became the file's header ("sep=") and the file
    /// was refused as sharing no column with the dataset. The load and the crawl read it as Excel does.</summary>
    [Fact]
    public async Task An_excel_sep_line_names_the_delimiter_and_is_no_record()
    {
        await using var h = await BatchHarness.StartAsync();
        var root = Directory.CreateDirectory(h.Combine("export")).FullName;
        var path = Path.Combine(root, "categories.csv");
        File.WriteAllText(path, "sep=;\r\nid;category_name\r\n1;Beads, large\r\n2;Fabric\r\nabc;Yarn\r\n");

        var file = Assert.Single((await h.LoadAsync(DatasetCatalog.Categories, path)).Files);
        var table = Assert.Single(await new Emporium.Batch.Catalog.Crawler(h.Warehouse, TimeProvider.System).CrawlAsync(root, null, default));

        Assert.Equal((FileLoadStatus.Loaded, 2L, 1L), (file.Status, file.RowsLoaded, file.RowsRejected));
        Assert.Equal(["Beads, large", "Fabric"], (await h.RowsAsync("SELECT category_name FROM categories ORDER BY id")).Select(r => (string)r[0]!));
        var entry = System.Text.Json.JsonDocument.Parse(File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))[0]).RootElement;
        Assert.Equal(5L, entry.GetProperty("line").GetInt64());
        Assert.Equal(["id", "category_name"], table.Columns.Select(c => c.Name));
        Assert.Equal(3, table.Rows);
    }

    [Fact]
    public async Task A_header_only_file_of_another_dataset_is_refused_not_recorded_as_loaded()
    {
        await using var h = await BatchHarness.StartAsync();
        var foreign = h.Combine("categories_header.csv");
        File.WriteAllText(foreign, "id,category_name\n");
        var own = h.Combine("orders_header.csv");
        File.WriteAllText(own, "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");

        var summary = await h.LoadAsync(DatasetCatalog.Orders, foreign, own);

        Assert.Equal(FileLoadStatus.Failed, summary.Files[0].Status);
        Assert.Contains("dataset 'orders'", summary.Files[0].Error);
        Assert.Single(summary.Files[0].Quarantine);
        // A header of the dataset with no rows under it is an empty export, not a mistake.
        Assert.Equal(FileLoadStatus.Loaded, summary.Files[1].Status);
        Assert.Contains(summary.Files[1].Warnings, w => w.Contains("no data rows"));
    }

    [Fact]
    public async Task A_workbook_whose_first_sheet_is_hidden_loads_its_visible_sheet()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.OnlineRetail, out var header);
        var path = h.Combine("orders_with_lookup.xlsx");
        WriteXlsx(path, header, rows, new HashSet<string> { "InvoiceDate" },
            sheetsBefore: [new("Lookup", Hidden: true, [["code", "name"], ["GB", "United Kingdom"]])]);

        var summary = await h.LoadAsync(DatasetCatalog.Orders, path);

        var file = Assert.Single(summary.Files);
        Assert.Null(file.Error);
        Assert.Equal(rows.Count, file.RowsLoaded);
        Assert.Equal(rows.Count, await h.CountAsync("SELECT count(*) FROM orders"));
    }

    [Fact]
    public async Task A_workbook_whose_first_sheet_is_a_cover_note_is_refused_naming_the_sheets()
    {
        await using var h = await BatchHarness.StartAsync();
        var rows = ParseCsv(SampleData.OnlineRetail, out var header);
        var path = h.Combine("orders_report.xlsx");
        WriteXlsx(path, header, rows, null, sheetsBefore: [new("Read me", Hidden: false, [["Orders exported for the finance team"]])]);

        var summary = await h.LoadAsync(DatasetCatalog.Orders, path);

        var file = Assert.Single(summary.Files);
        Assert.True(summary.HasErrors);
        Assert.Equal(FileLoadStatus.Failed, file.Status);
        Assert.Contains("no column matches", file.Error);
        Assert.Contains(file.Warnings, w => w.Contains("'Read me'"));
        Assert.Equal(0, await h.CountAsync("SELECT count(*) FROM orders"));

        // Not recorded as done: once the sheets are fixed the same name loads.
        WriteXlsx(path, header, rows, null);
        Assert.Equal(rows.Count, (await h.LoadAsync(DatasetCatalog.Orders, path)).Files[0].RowsLoaded);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("[ ]\n")]
    [InlineData("{\"status\":\"OK\",\"data\":{\"total_products\":0,\"products\":[]}}")]
    public async Task An_empty_result_page_loads_no_rows_with_a_warning_instead_of_failing(string json)
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("page.json");
        File.WriteAllText(path, json);

        var summary = await h.LoadAsync(DatasetCatalog.Products, path);

        var file = Assert.Single(summary.Files);
        Assert.Null(file.Error);
        Assert.False(summary.HasErrors);
        Assert.Equal(FileLoadStatus.Loaded, file.Status);
        Assert.Equal(0, file.RowsRead);
        Assert.Contains(file.Warnings, w => w.Contains("no data rows"));
    }

    [Fact]
    public async Task A_field_with_text_after_its_closing_quote_is_quarantined_and_the_rows_after_it_load()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("categories.csv");
        File.WriteAllText(path, "id,category_name\n1,Beading\n2,\"Best\" Sellers\n3,\"Multi\nline\"\n4,12\" Pizza Pans\n5,Last\n");

        var summary = await h.LoadAsync(DatasetCatalog.Categories, path);

        var file = Assert.Single(summary.Files);
        Assert.Null(file.Error);
        Assert.Equal(FileLoadStatus.Loaded, file.Status);
        Assert.Equal((5, 4, 1), (file.RowsRead, file.RowsLoaded, file.RowsRejected));
        Assert.Equal(["Beading", "Multi\nline", "12\" Pizza Pans", "Last"],
            (await h.RowsAsync("SELECT category_name FROM categories ORDER BY id")).Select(r => (string)r[0]!));
        var reject = System.Text.Json.JsonDocument.Parse(File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))[0]).RootElement;
        Assert.Equal(3, reject.GetProperty("line").GetInt64());
        Assert.Equal("category_name", reject.GetProperty("column").GetString());
        Assert.Contains("closing quote", reject.GetProperty("reason").GetString());
        Assert.Equal("2,\"Best\" Sellers", reject.GetProperty("raw").GetString());
    }

    [Fact]
    public async Task A_compact_date_loads_as_its_day_and_a_spreadsheet_serial_is_quarantined_not_read_as_1970()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("orders.csv");
        File.WriteAllText(path, """
            InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
            1,A,Compact,1,20101201,1.5,17850,UK
            2,B,Serial,1,40148,1.5,17850,UK
            3,C,Unix,1,1291191960,1.5,17850,UK
            """);

        var summary = await h.LoadAsync(DatasetCatalog.Orders, path);

        var file = Assert.Single(summary.Files);
        Assert.Equal((2L, 1L), (file.RowsLoaded, file.RowsRejected));
        Assert.Equal([new DateTime(2010, 12, 1), new DateTime(2010, 12, 1, 8, 26, 0)],
            (await h.RowsAsync("SELECT invoice_date FROM orders ORDER BY invoice_no")).Select(r => (DateTime)r[0]!));
        var reject = System.Text.Json.JsonDocument.Parse(File.ReadAllLines(h.LakeStore.Resolve(Assert.Single(file.Quarantine)))[0]).RootElement;
        Assert.Equal("InvoiceDate", reject.GetProperty("column").GetString());
        Assert.Contains("40148", reject.GetProperty("reason").GetString());
    }

    /// <summary>An export that ends every line with a delimiter (<c>id,category_name,</c>) has an empty, unnamed last
    /// field; the warning named it <c>column2</c>, a column the file does not have, as if the user had to find it.</summary>
    [Fact]
    public async Task A_trailing_delimiter_on_every_line_is_warned_about_as_an_unnamed_last_field()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("categories.csv");
        File.WriteAllText(path, "id,category_name,\n1,Toys,\n2,Books,\n");

        var file = Assert.Single((await h.LoadAsync(DatasetCatalog.Categories, path)).Files);

        Assert.Equal((FileLoadStatus.Loaded, 2L, 0L), (file.Status, file.RowsLoaded, file.RowsRejected));
        Assert.Equal(["1 Toys", "2 Books"], (await h.RowsAsync("SELECT id, category_name FROM categories ORDER BY id")).Select(r => $"{r[0]} {r[1]}"));
        Assert.DoesNotContain(file.Warnings, w => w.Contains("column2", StringComparison.Ordinal));
        Assert.Contains(file.Warnings, w => w.Contains("header field 3 has no name (a delimiter ending every line gives an empty last field): not loaded", StringComparison.Ordinal));
    }

    /// <summary>A header-only export whose line ends with a delimiter is an empty export like the same header without
    /// it: the header was read as a data row and the file refused as sharing no column with the dataset.</summary>
    [Fact]
    public async Task A_header_only_file_with_a_trailing_delimiter_loads_no_rows_with_a_warning_as_without_it()
    {
        await using var h = await BatchHarness.StartAsync();
        var path = h.Combine("categories.csv");
        File.WriteAllText(path, "id,category_name,\n");

        var file = Assert.Single((await h.LoadAsync(DatasetCatalog.Categories, path)).Files);

        Assert.Null(file.Error);
        Assert.Equal(FileLoadStatus.Loaded, file.Status);
        Assert.Contains(file.Warnings, w => w.Contains("no data rows", StringComparison.Ordinal));
    }
}
