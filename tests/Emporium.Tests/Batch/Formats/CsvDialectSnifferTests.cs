using Emporium.Batch.Formats;

namespace Emporium.Tests.Batch.Formats;

public sealed class CsvDialectSnifferTests
{
    [Fact]
    public void APandasIndexColumnWithoutANameStillMakesAHeader()
    {
        var sample = ",InvoiceNo,Quantity,Country\n0,536365,6,United Kingdom\n1,536366,2,France\n";

        Assert.True(CsvDialectSniffer.Sniff(sample).HasHeader);
    }

    [Fact]
    public void ADataRowWithAMissingValueIsNotTakenForAHeader()
    {
        Assert.False(CsvDialectSniffer.Sniff("Beading,,Craft\nFabric,,Craft\n").HasHeader);
        Assert.False(CsvDialectSniffer.Sniff("536365,,6\n536366,,2\n").HasHeader);
    }

    [Fact]
    public void ALoneCrEndsALineSoTheHeaderAboveNumbersIsFound()
    {
        var dialect = CsvDialectSniffer.Sniff("InvoiceNo,Quantity,Country\r536365,6,United Kingdom\r536366,2,France\r");

        Assert.True(dialect.HasHeader);
        Assert.Equal(',', dialect.Delimiter);
    }

    /// <summary>A header that ends with a delimiter (<c>id,category_name,</c>) and has no rows under it is still a
    /// header: without the trailing comma it was, with it the file was read as a data row and refused.</summary>
    [Theory]
    [InlineData("id,category_name,\n")]
    [InlineData("id,category_name,")]
    [InlineData("id,category_name\n")]
    public void A_lone_header_ending_with_a_delimiter_is_a_header(string sample)
    {
        Assert.True(CsvDialectSniffer.Sniff(sample).HasHeader);
    }

    [Fact]
    public void A_text_header_ending_with_a_delimiter_above_text_rows_is_a_header()
    {
        Assert.True(CsvDialectSniffer.Sniff("id,category_name,\nA1,Toys,\nB2,Books,\n").HasHeader);
    }
}
