namespace Emporium.Batch.Formats;

/// <summary>Guesses the dialect of delimited text from its first lines, as spreadsheet tools and DuckDB's sniffer
/// do: the delimiter is the candidate that splits the sampled lines into the same, largest number of fields
/// (counted outside quotes); the first record is a header when none of its fields is numeric while the data rows
/// below hold numbers under its named fields, or when every field is distinct, non-empty text.</summary>
public static class CsvDialectSniffer
{
    private static readonly char[] Candidates = [',', '\t', ';', '|'];

    public static CsvDialect Sniff(string sample)
    {
        // Excel's "sep=;" first line names the delimiter (some exports write it so Excel splits the file the same way
        // in every locale); it is no record. It made the file's header "sep=" and refused the file.
        var firstEnd = sample.IndexOfAny(['\r', '\n']);
        var first = firstEnd < 0 ? sample : sample[..firstEnd];
        if (first.Length == 5 && first.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) && firstEnd >= 0)
        {
            // Only the first line names the delimiter (as in Excel): the rest is sniffed as records, not by recursing
            // here, which copied the rest at every further "sep=" line and held every copy on the stack. A file of
            // nothing but the sep line (an empty sheet) keeps the default header setting.
            var records = Lines(sample[(firstEnd + 1)..]);
            var rest = Sniff(records);
            return rest with { Delimiter = first[4], HasHeader = records.Count > 0 ? LooksLikeHeader(records, first[4], rest.Quote) : rest.HasHeader, SepLine = true };
        }
        return Sniff(Lines(sample));
    }

    private static CsvDialect Sniff(List<string> lines)
    {
        if (lines.Count == 0)
        {
            return CsvDialect.Default;
        }
        var quote = PickQuote(lines);
        var delimiter = PickDelimiter(lines, quote);
        var header = LooksLikeHeader(lines, delimiter, quote);
        return new CsvDialect(delimiter, quote, header);
    }

    private static List<string> Lines(string sample)
    {
        var lines = SplitLogicalLines(sample, '"').Take(30).Where(l => l.Length > 0).ToList();
        if (lines.Count > 1 && !sample.EndsWith('\n') && !sample.EndsWith('\r'))
        {
            lines.RemoveAt(lines.Count - 1); // the sample may cut the last line short
        }
        return lines;
    }

    private static char PickQuote(List<string> lines)
    {
        var doubles = lines.Sum(l => l.Count(c => c == '"'));
        var singles = lines.Sum(l => CountFieldStartQuotes(l, '\''));
        return singles > 0 && doubles == 0 ? '\'' : '"';
    }

    private static int CountFieldStartQuotes(string line, char quote)
    {
        var n = 0;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == quote && (i == 0 || Array.IndexOf(Candidates, line[i - 1]) >= 0))
            {
                n++;
            }
        }
        return n;
    }

    private static char PickDelimiter(List<string> lines, char quote)
    {
        var best = ',';
        var bestScore = -1.0;
        foreach (var candidate in Candidates)
        {
            var counts = lines.Select(l => CountOutsideQuotes(l, candidate, quote)).ToList();
            var first = counts[0];
            if (first == 0)
            {
                continue;
            }
            // Consistency matters more than volume: prose in a text column is full of commas.
            var consistent = counts.Count(c => c == first) / (double)counts.Count;
            var score = consistent * 1000 + first;
            if (score > bestScore)
            {
                bestScore = score;
                best = candidate;
            }
        }
        return best;
    }

    private static bool LooksLikeHeader(List<string> lines, char delimiter, char quote)
    {
        var first = SplitFields(lines[0], delimiter, quote);
        if (first.Count > 1 && first[^1].Length == 0)
        {
            // A delimiter ending every line (an export's "id,category_name,") gives an empty last field, in the header
            // as in each row: no evidence either way. It read a lone such header as a data row, and the file was
            // refused as sharing no column with its dataset instead of warned about as having no rows.
            first.RemoveAt(first.Count - 1);
        }
        var blanks = first.Count(f => f.Length == 0);
        if (blanks == first.Count || first.Any(IsNumeric))
        {
            return false;
        }
        if (lines.Count == 1)
        {
            return blanks == 0;
        }
        // A blank name does not rule a header out: pandas' to_csv writes its index column with an empty name
        // (",InvoiceNo,StockCode…"). Only the named columns count as evidence, so a data row with a missing value
        // still is not mistaken for a header.
        var rows = lines.Skip(1).Select(l => SplitFields(l, delimiter, quote)).ToList();
        for (var i = 0; i < first.Count; i++)
        {
            if (first[i].Length > 0 && rows.Any(r => i < r.Count && IsNumeric(r[i])))
            {
                return true;
            }
        }
        return blanks == 0
            && first.Distinct(StringComparer.OrdinalIgnoreCase).Count() == first.Count
            && rows.All(r => !r.SequenceEqual(first));
    }

    private static bool IsNumeric(string s) =>
        double.TryParse(s.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static int CountOutsideQuotes(string line, char c, char quote)
    {
        var n = 0;
        var inQuotes = false;
        foreach (var ch in line)
        {
            if (ch == quote)
            {
                inQuotes = !inQuotes;
            }
            else if (ch == c && !inQuotes)
            {
                n++;
            }
        }
        return n;
    }

    private static List<string> SplitFields(string line, char delimiter, char quote)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var inQuotes = false;
        foreach (var ch in line)
        {
            if (ch == quote)
            {
                inQuotes = !inQuotes;
            }
            else if (ch == delimiter && !inQuotes)
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }
        fields.Add(current.ToString());
        return fields;
    }

    /// <summary>Lines, with quoted line breaks kept inside their record. LF, CRLF and a lone CR (old Mac exports) all
    /// end a line: taking a CR-only file for one long line made its header look like data as soon as a number followed.</summary>
    private static IEnumerable<string> SplitLogicalLines(string text, char quote)
    {
        var start = 0;
        var inQuotes = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == quote)
            {
                inQuotes = !inQuotes;
            }
            else if (ch is '\n' or '\r' && !inQuotes)
            {
                yield return text[start..i];
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
                start = i + 1;
            }
        }
        if (start < text.Length)
        {
            yield return text[start..];
        }
    }
}
