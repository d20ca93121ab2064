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
}
