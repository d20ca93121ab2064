using Emporium.Batch.Formats;

namespace Emporium.Tests.Batch.Formats;

/// <summary>Excel's "sep=" line is read once, at the top: a file of such lines (a whole 64 kB sample of them) is
/// sniffed in memory that grows with the sample. The sniffer recursed on a copy of the rest at every one, holding
/// every copy on the stack: hundreds of megabytes and a frame per line for one file's header. A file of only the sep
/// line (an empty sheet exported by Excel) failed with an index out of range.</summary>
public sealed class CsvDialectSnifferSepLineTests
{
    [Fact]
    public void A_sample_of_sep_lines_is_sniffed_in_memory_that_grows_with_it()
    {
        var sample = string.Concat(Enumerable.Repeat("sep=;\n", FileProbe.HeadSize / 6));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var dialect = CsvDialectSniffer.Sniff(sample);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(';', dialect.Delimiter);
        Assert.True(dialect.SepLine);
        Assert.True(allocated < 20 * sample.Length, $"{allocated} bytes allocated to sniff a {sample.Length}-character sample");
    }

    [Theory]
    [InlineData("sep=;\n")]
    [InlineData("sep=;\r\n")]
    public void A_file_of_only_the_sep_line_is_sniffed(string sample)
    {
        var dialect = CsvDialectSniffer.Sniff(sample);

        Assert.Equal(';', dialect.Delimiter);
        Assert.True(dialect.SepLine);
    }

    [Fact]
    public void Only_the_first_line_names_the_delimiter()
    {
        var dialect = CsvDialectSniffer.Sniff("sep=;\nsep=|\nname;price\nbook;12\npen;3\n");

        Assert.Equal(';', dialect.Delimiter);
        Assert.True(dialect.SepLine);
    }
}
