using Emporium.Batch.Catalog;
using Emporium.Cli.Commands.Batch;

namespace Emporium.Tests.Cli.Commands.Batch;

/// <summary>The detailed catalog print of a table crawled from thousands of files lists the first of them and says how
/// many it left out, instead of stopping silently.</summary>
public sealed class CatalogOutputTests
{
    private static CatalogTable Crawled(int files) => new(
        "events", "crawled", "/data/events", "csv", [new CatalogColumn("id", "bigint", 1)], [],
        Enumerable.Range(0, files).Select(i => $"/data/events/part-{i:D5}.csv").ToList(), files * 20L, DateTimeOffset.UnixEpoch, 1, "events");

    private static string[] Print(CatalogTable table)
    {
        using var text = new StringWriter();
        CatalogOutput.Write([table], detailed: true, text);
        return text.ToString().Split('\n').Select(l => l.TrimEnd()).ToArray();
    }

    [Fact]
    public void Files_past_the_first_50_are_counted_not_dropped_silently()
    {
        var lines = Print(Crawled(3000));

        var files = lines.Where(l => l.StartsWith("  file: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"  file: /data/events/part-{i:D5}.csv"), files);
        Assert.Contains("  … and 2,950 more files (emporium catalog events --format json lists them all)", lines);
    }

    [Fact]
    public void A_table_of_few_files_lists_them_all_and_nothing_more()
    {
        var lines = Print(Crawled(3));

        Assert.Equal(3, lines.Count(l => l.StartsWith("  file: ", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, l => l.Contains("more files", StringComparison.Ordinal));
    }
}
