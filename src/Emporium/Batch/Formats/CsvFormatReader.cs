using System.Runtime.CompilerServices;
using System.Text;
using Sylvan.Data.Csv;

namespace Emporium.Batch.Formats;

/// <summary>Delimited text (CSV, TSV, semicolon, pipe) through Sylvan's CsvDataReader. The dialect is sniffed from
/// the first 64 KiB unless given; BOM and CRLF are handled by the text reader; text that is not valid UTF-8 is read
/// as Windows-1252 with a warning (decided up front by <see cref="FileProbe"/>, so a bad byte deep in a file never
/// fails the load half way). Ragged rows and fields with text after their closing quote come back as failed rows; an
/// unterminated quote stops the file at that record (everything after it would be mis-split) with a
/// <see cref="FileReadException"/> naming the line, and so does a short last record without a line end (the file was
/// cut there, <see cref="FileReadException.CutShort"/>).</summary>
public sealed class CsvFormatReader(FileFormat format = FileFormat.Csv) : IFormatReader
{
    /// <summary>A single record larger than this is treated as an unterminated quote rather than buffered forever.</summary>
    public const int MaxRecordChars = 8 * 1024 * 1024;

    public FileFormat Format => format;

    public async IAsyncEnumerable<SourceRow> ReadAsync(FormatInput input, [EnumeratorCancellation] CancellationToken ct)
    {
        var probe = input.Probe;
        if (probe.Size - probe.BomLength == 0)
        {
            throw new FileReadException("the file is empty");
        }
        var encoding = probe.TextEncoding(out var warning);
        if (warning is not null)
        {
            input.Warn(warning);
        }
        var dialect = DialectOf(input, format, encoding);

        using var text = input.OpenText(encoding);
        if (dialect.SepLine)
        {
            await text.ReadLineAsync(ct); // Excel's "sep=;" line: the delimiter, not a record
        }
        var options = new CsvDataReaderOptions
        {
            Delimiter = dialect.Delimiter,
            Quote = dialect.Quote,
            Escape = dialect.Quote,
            HasHeaders = dialect.HasHeader,
            // '#' would otherwise turn a data row starting with it into a comment and drop it silently.
            Comment = '\0',
            BufferSize = 1 << 16,
            MaxBufferSize = MaxRecordChars,
            // A quoted field followed by more text ("Best" Sellers) is read on to its delimiter instead of throwing,
            // so the record's end is still known: the row is quarantined below and the rows after it load.
            CsvStyle = CsvStyle.Lax,
        };
        CsvDataReader csv;
        try
        {
            csv = await CsvDataReader.CreateAsync(text, options, ct);
        }
        catch (Exception e) when (e is CsvFormatException or CsvRecordTooLargeException or CsvMissingHeadersException)
        {
            // Opening the reader reads the first record too: an oversized one fails here, and Sylvan's own message
            // ("Row 1 was too large. Try increasing the MaxBufferSize setting") blames the header and names a setting
            // the user cannot change.
            throw new FileReadException(e is CsvRecordTooLargeException
                ? $"malformed CSV at the header or the record below it: {Describe(e)}; the rest of the file cannot be split reliably"
                : $"cannot read the header: {e.Message}", e);
        }
        await using var _ = csv;

        var header = new HeaderIndex(dialect.HasHeader
            ? Enumerable.Range(0, csv.FieldCount).Select(csv.GetName)
            : Enumerable.Range(0, csv.FieldCount).Select(i => $"column{i}"));
        if (dialect.HasHeader)
        {
            input.Columns = header.Names;
            input.UnnamedColumns = header.Unnamed;
        }
        var width = header.Names.Count;
        long line = (dialect.HasHeader ? 2 : 1) + (dialect.SepLine ? 1 : 0);
        long record = 0;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            bool more;
            try
            {
                more = await csv.ReadAsync(ct);
            }
            catch (Exception e) when (e is CsvFormatException or CsvRecordTooLargeException)
            {
                throw new FileReadException($"malformed CSV at line {line} (record {record + 1}): {Describe(e)}; the rest of the file cannot be split reliably", e);
            }
            if (!more)
            {
                break;
            }
            var raw = csv.GetRawRecordSpan();
            var startLine = line;
            line += raw.Count('\n');
            if (!raw.EndsWith("\n") && raw.EndsWith("\r"))
            {
                line++; // old-Mac CR line ends
            }
            var count = csv.RowFieldCount;
            if (count == 1 && csv.GetFieldSpan(0).IsWhiteSpace())
            {
                continue; // blank line
            }
            record++;
            var position = new RowPosition(record, startLine);
            var quoting = raw.Contains(dialect.Quote) ? CheckQuotes(raw, dialect) : (Field: -1, Unterminated: false, Start: -1);
            var lineEnded = raw.EndsWith("\n") || raw.EndsWith("\r");
            if (quoting.Unterminated && !lineEnded && !raw[quoting.Start..].ContainsAny('\r', '\n'))
            {
                // Opened on the file's last line, with no line end after it: no complete line ends inside a quote.
                throw FileReadException.CutShort($"field {quoting.Field + 1} (a quoted value) of record {record}", startLine, null, inside: true);
            }
            if (quoting.Unterminated)
            {
                throw new FileReadException($"malformed CSV at line {startLine} (record {record}): unbalanced quote in field {quoting.Field + 1}; the rest of the file cannot be split reliably");
            }
            if (quoting.Field >= 0)
            {
                var column = quoting.Field < width ? header.Names[quoting.Field] : $"field {quoting.Field + 1}";
                yield return SourceRow.Failed(position, "text after the closing quote of a quoted field (a quote inside a quoted value must be doubled)", column, raw.TrimEnd("\r\n").ToString());
                continue;
            }
            if (count < width && !lineEnded)
            {
                // Only the file's last record can lack a line end: a short one is where the file was cut, or a footer
                // written without one (Total,1349), and the two cannot be told apart.
                throw FileReadException.ShortLastLine(record, startLine, count, width);
            }
            if (count != width)
            {
                var column = count > width ? $"field {width + 1}" : header.Names[count];
                yield return SourceRow.Failed(position, FieldCountError(count, width), column, raw.TrimEnd("\r\n").ToString());
                continue;
            }
            var values = new string?[width];
            for (var i = 0; i < width; i++)
            {
                var span = csv.GetFieldSpan(i);
                values[i] = span.IsEmpty ? null : span.ToString();
            }
            yield return SourceRow.FromFields(position, new FieldRow(header, values));
        }
        input.ReportBytes(probe.Size);
    }

    /// <summary>Why a row with more or fewer fields than the header is refused.</summary>
    internal static string FieldCountError(int count, int width) => $"row has {count} fields, the header has {width}";

    /// <summary>Whether <paramref name="error"/> is a <see cref="FieldCountError"/>: a row whose fields are all there to
    /// read, only too many or too few.</summary>
    internal static bool IsFieldCountError(string error) =>
        error.StartsWith("row has ", StringComparison.Ordinal) && error.Contains(" fields, the header has ", StringComparison.Ordinal);

    /// <summary>Where a record breaks the quoting rules that lax parsing lets through: the first field whose closing quote
    /// is followed by something other than a delimiter or the line end (unterminated when the quote spans lines), or a
    /// quote still open at the record's end (the file ended inside it); <c>Start</c> is where that field's quote opens.</summary>
    internal static (int Field, bool Unterminated, int Start) CheckQuotes(ReadOnlySpan<char> raw, CsvDialect dialect)
    {
        var field = 0;
        var fieldStart = true;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (fieldStart && c == dialect.Quote)
            {
                var opened = i;
                for (i++; ; i++)
                {
                    if (i >= raw.Length)
                    {
                        return (field, true, opened);
                    }
                    if (raw[i] == dialect.Quote)
                    {
                        if (i + 1 < raw.Length && raw[i + 1] == dialect.Quote)
                        {
                            i++;
                            continue;
                        }
                        break;
                    }
                }
                if (i + 1 < raw.Length && raw[i + 1] != dialect.Delimiter && raw[i + 1] is not ('\r' or '\n'))
                {
                    // Closed on a later line, the quote was most likely never meant to close there: it is an unterminated
                    // quote that swallowed the lines up to the next quote of the file, whose rows are not this record's.
                    return (field, raw[opened..i].ContainsAny('\r', '\n'), opened);
                }
                fieldStart = false;
            }
            else if (c == dialect.Delimiter)
            {
                field++;
                fieldStart = true;
            }
            else
            {
                fieldStart = false;
            }
        }
        return (-1, false, -1);
    }

    /// <summary>The dialect a file is read with: the one given, else sniffed from its head (TSV forces a tab).</summary>
    internal static CsvDialect DialectOf(FormatInput input, FileFormat format, Encoding encoding)
    {
        var dialect = input.Settings.Dialect ?? CsvDialectSniffer.Sniff(DecodeSample(input.Probe, encoding));
        return format == FileFormat.Tsv && input.Settings.Dialect is null ? dialect with { Delimiter = '\t' } : dialect;
    }

    private static string Describe(Exception e) => e switch
    {
        CsvRecordTooLargeException => $"a record exceeds {MaxRecordChars / (1024 * 1024)} MiB, most likely an unterminated quote",
        _ => e.Message.Contains("quote", StringComparison.OrdinalIgnoreCase) ? e.Message : $"unbalanced quote ({e.Message})",
    };

    private static string DecodeSample(FileProbe probe, Encoding encoding)
    {
        var head = probe.Head.AsSpan(probe.BomLength);
        // The sample may end inside a multi-byte character; replacement there is harmless for sniffing.
        var lenient = encoding is UTF8Encoding ? new UTF8Encoding(false) : encoding;
        return lenient.GetString(head);
    }
}
