using System.Text;
using Emporium.Batch.Formats;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Batch.BatchTestFiles;

namespace Emporium.Tests.Batch.Formats;

public sealed class BadFileReadTests
{
    [Fact]
    public async Task EmptyFileIsAClearError()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("empty.csv");
        File.WriteAllBytes(path, []);

        var e = await Assert.ThrowsAsync<FileReadException>(() => ReadAllAsync(path));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public async Task HeaderOnlyGivesNoRows()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("header.csv");
        File.WriteAllText(path, "id,category_name\n");

        var outcome = await ReadAllAsync(path);
        Assert.Empty(outcome.Rows);
    }

    [Fact]
    public async Task RaggedRowsFailAloneWithLineAndGoodRowsStay()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("ragged.csv");
        File.WriteAllText(path, "id,category_name\n1,Beading\n2,Fabric,extra\n3\n4,\"Multi\nline\"\n5,Last\n");

        var outcome = await ReadAllAsync(path);

        Assert.Equal(5, outcome.Rows.Count);
        var bad = outcome.Rows.Where(r => r.Error is not null).ToList();
        Assert.Equal([3L, 4L], bad.Select(r => r.Position.Line));
        Assert.Equal("field 3", bad[0].ErrorColumn);
        Assert.Equal("category_name", bad[1].ErrorColumn);
        Assert.Equal("Multi\nline", outcome.Rows[3].Text("category_name"));
        Assert.Equal(7, outcome.Rows[4].Position.Line); // the quoted line break moved it down one line
    }

    [Fact]
    public async Task UnbalancedQuoteStopsAtItsLineKeepingEarlierRows()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("quote.csv");
        File.WriteAllText(path, "id,category_name\n1,A\n2,B\n3,\"never closed\n4,D\n");

        var rows = new List<SourceRow>();
        var probe = await FileProbe.RunAsync(path, default);
        var input = new FormatInput(path, probe, ReadSettings.Default);
        var e = await Assert.ThrowsAsync<FileReadException>(async () =>
        {
            await foreach (var row in new CsvFormatReader().ReadAsync(input, default))
            {
                rows.Add(row);
            }
        });
        Assert.Equal(2, rows.Count);
        Assert.Contains("line 4", e.Message);
    }

    [Fact]
    public async Task AnOversizedFirstRecordIsExplainedByTheLimitNotByAnInternalSetting()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("huge.csv");
        File.WriteAllText(path, "id,category_name\n1," + new string('x', CsvFormatReader.MaxRecordChars + 1024) + "\n2,B\n");

        var e = await Assert.ThrowsAsync<FileReadException>(() => ReadAllAsync(path));

        Assert.Contains("exceeds 8 MiB", e.Message);
        Assert.DoesNotContain("MaxBufferSize", e.Message);
    }

    [Fact]
    public async Task InvalidUtf8IsReadAsLatin1WithAWarning()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("latin1.csv");
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes("id,category_name\n1,Caf\u00e9 & Cr\u00e8me\n2,Plain\n"));

        var outcome = await ReadAllAsync(path);

        Assert.Equal("Caf\u00e9 & Cr\u00e8me", outcome.Rows[0].Text("category_name"));
        Assert.Contains(outcome.Warnings, w => w.Contains("Latin-1") && w.Contains("offset 22"));
    }

    [Fact]
    public async Task WindowsExportsKeepTheirEuroSignsAndCurlyQuotes()
    {
        // Excel's "CSV" on Windows writes Windows-1252, whose 0x80-0x9F are printable (€ ’ “ ” – …) where Latin-1 has
        // invisible C1 controls: read as Latin-1, "€5 ‘gift’ card" became "\u00805 \u0091gift\u0092 card".
        using var dir = new TempDir("batch");
        var path = dir.Combine("windows.csv");
        var text = "id,category_name\n1,\u20ac5 \u2018gift\u2019 card \u2013 \u201cCaf\u00e9\u201d\u2026\n2,Plain\n";
        File.WriteAllBytes(path, [.. CodePages(1252).GetBytes(text), .. "3,odd "u8.ToArray(), 0x81, .. " byte\n"u8.ToArray()]);

        var outcome = await ReadAllAsync(path);

        Assert.Equal("\u20ac5 \u2018gift\u2019 card \u2013 \u201cCaf\u00e9\u201d\u2026", outcome.Rows[0].Text("category_name"));
        // A byte Windows-1252 leaves undefined keeps its Latin-1 meaning: nothing is lost.
        Assert.Equal("odd \u0081 byte", outcome.Rows[2].Text("category_name"));
        Assert.Contains(outcome.Warnings, w => w.Contains("Windows-1252") && w.Contains("offset 19"));
    }

    private static Encoding CodePages(int codePage)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(codePage);
    }

    [Fact]
    public async Task Latin1TextBehindAUtf8BomIsStillReadAsLatin1()
    {
        // Some exporters write a UTF-8 BOM and then Windows-1252 bytes; the BOM must not switch the reader back to
        // UTF-8, which would turn every accented letter into U+FFFD while the warning claims Latin-1.
        using var dir = new TempDir("batch");
        var path = dir.Combine("bom-latin1.csv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.Latin1.GetBytes("id,category_name\n1,Caf\u00e9 & Cr\u00e8me\n")]);

        var outcome = await ReadAllAsync(path);

        Assert.Contains(outcome.Warnings, w => w.Contains("Latin-1"));
        Assert.Equal(["id", "category_name"], outcome.Rows[0].Fields!.Keys);
        Assert.Equal("Caf\u00e9 & Cr\u00e8me", outcome.Rows[0].Text("category_name"));
    }

    [Fact]
    public async Task BomAndCrlfDoNotLeakIntoNamesOrValues()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("bom.csv");
        File.WriteAllBytes(path, [.. "\uFEFF"u8.ToArray(), .. "id,category_name\r\n1,Fianc\u00e9e\r\n2,B\r\n"u8.ToArray()]);

        var outcome = await ReadAllAsync(path);

        Assert.Equal(["id", "category_name"], outcome.Rows[0].Fields!.Keys);
        Assert.Equal("Fianc\u00e9e", outcome.Rows[0].Text("category_name"));
        Assert.Equal("B", outcome.Rows[1].Text("category_name"));
        Assert.Empty(outcome.Warnings);
    }

    [Fact]
    public async Task SemicolonAndTabDialectsAreSniffed()
    {
        using var dir = new TempDir("batch");
        var semi = dir.Combine("semi.csv");
        File.WriteAllText(semi, "id;category_name\n1;\"Bags; Cases\"\n2;B\n");
        var tabs = dir.Combine("tabs.txt");
        File.WriteAllText(tabs, "id\tcategory_name\n1\tA, with comma\n");

        Assert.Equal("Bags; Cases", (await ReadAllAsync(semi)).Rows[0].Text("category_name"));
        var tsv = await ReadAllAsync(tabs);
        Assert.Equal(FileFormat.Tsv, tsv.Format);
        Assert.Equal("A, with comma", tsv.Rows[0].Text("category_name"));
    }

    [Fact]
    public async Task CorruptWorkbookIsAClearError()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("broken.xlsx");
        File.WriteAllBytes(path, [.. "PK\u0003\u0004"u8.ToArray(), .. Enumerable.Repeat((byte)7, 500)]);

        var e = await Assert.ThrowsAsync<FileReadException>(() => ReadAllAsync(path));
        Assert.Contains("workbook", e.Message);
    }

    [Fact]
    public async Task LyingExtensionIsReadByContentOrRefused()
    {
        using var dir = new TempDir("batch");
        var jsonAsCsv = dir.Combine("reviews.csv");
        File.Copy(SampleData.CategoriesJsonLines, jsonAsCsv);
        var csvAsXlsx = dir.Combine("orders.xlsx");
        File.Copy(SampleData.CategoriesCsv, csvAsXlsx);
        var binary = dir.Combine("image.csv");
        File.WriteAllBytes(binary, [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0, 1, 2, 3]);

        var read = await ReadAllAsync(jsonAsCsv);
        Assert.Equal(FileFormat.Ndjson, read.Format);
        Assert.Equal(File.ReadLines(SampleData.CategoriesJsonLines).Count(), read.Rows.Count);
        Assert.Contains(read.Warnings, w => w.Contains("named as csv"));

        var refused = await Assert.ThrowsAsync<FileReadException>(() => ReadAllAsync(csvAsXlsx));
        Assert.Contains("named as xlsx", refused.Message);
        var junk = await Assert.ThrowsAsync<FileReadException>(() => ReadAllAsync(binary));
        Assert.Contains("binary", junk.Message);
        var forced = await Assert.ThrowsAsync<FileReadException>(() => ReadAllAsync(SampleData.CategoriesCsv, new ReadSettings(FileFormat.Parquet)));
        Assert.Contains("--format parquet", forced.Message);
    }

    [Fact]
    public async Task BrokenJsonLinesAreRejectedOneByOne()
    {
        using var dir = new TempDir("batch");
        var path = dir.Combine("reviews.ndjson");
        File.WriteAllBytes(path, [
            .. "{\"asin\":\"A1\",\"overall\":5}\n"u8.ToArray(),
            .. "{\"asin\":\"A2\",\"overall\":\n"u8.ToArray(),
            .. "[1,2]\n\n"u8.ToArray(),
            .. "{\"asin\":\"A3\",\"reviewText\":\"bad "u8.ToArray(), 0xFF, .. " byte\"}\r\n"u8.ToArray(),
            .. "{\"asin\":\"A4\",\"overall\":4}"u8.ToArray(),
        ]);

        var outcome = await ReadAllAsync(path);

        Assert.Equal(["A1", "A4"], outcome.Rows.Where(r => r.Error is null).Select(r => r.Text("asin")));
        Assert.Equal([2L, 3L, 5L], outcome.Rows.Where(r => r.Error is not null).Select(r => r.Position.Line));
        Assert.Equal(6, outcome.Rows[^1].Position.Line);
    }
}
