namespace Emporium.Batch.Formats;

/// <summary>How a delimited text file is written: field delimiter, quote character and whether the first record is
/// a header. Found by <see cref="CsvDialectSniffer"/>. <paramref name="SepLine"/>: the file starts with Excel's
/// <c>sep=;</c> line, which names the delimiter and is no record.</summary>
public sealed record CsvDialect(char Delimiter, char Quote, bool HasHeader, bool SepLine = false)
{
    public static CsvDialect Default { get; } = new(',', '"', true);

    public override string ToString() =>
        $"delimiter={(Delimiter == '\t' ? "\\t" : Delimiter.ToString())} quote={Quote} header={(HasHeader ? "yes" : "no")}";
}
