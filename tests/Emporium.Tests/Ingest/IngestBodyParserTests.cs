using System.Text;
using Emporium.Datasets;
using Emporium.Ingest;

namespace Emporium.Tests.Ingest;

public class IngestBodyParserTests
{
    [Fact]
    public void OneObjectArrayAndConcatenatedObjectsAreRecords()
    {
        Assert.Single(IngestBodyParser.Parse("{\"a\":1}"u8.ToArray(), BodyFormat.Json));
        var array = IngestBodyParser.Parse("[{\"a\":1},{\"a\":2},{\"a\":3}]"u8.ToArray(), BodyFormat.Json);
        Assert.Equal([0, 1, 2], array.Select(r => r.Index));
        Assert.Equal(2, array[1].ToElement()!.Value.GetProperty("a").GetInt32());
        Assert.Equal("{\"a\":2}", array[1].RawText);
        Assert.Equal(2, IngestBodyParser.Parse("{\"a\":1}\n{\"a\":2}"u8.ToArray(), BodyFormat.Json).Count);
    }

    [Fact]
    public void NonObjectArrayItemsAreRejectedIndividually()
    {
        var records = IngestBodyParser.Parse("[{\"a\":1},42,[1,2],{\"a\":2}]"u8.ToArray(), BodyFormat.Json);
        Assert.Equal(4, records.Count);
        Assert.Contains("got a number", records[1].Error);
        Assert.Contains("got an array", records[2].Error);
        Assert.NotNull(records[3].ToElement());
    }

    [Fact]
    public void MalformedJsonSaysWhere()
    {
        var e = Assert.Throws<BodyParseException>(() => IngestBodyParser.Parse("[{\"a\":1},\n{\"a\": tru}]"u8.ToArray(), BodyFormat.Json));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("byte", e.Message);
    }

    [Theory]
    [InlineData("[{\"a\":1},]", "trailing comma")]
    [InlineData("{\"a\":1,}", "trailing comma")]
    public void MalformedJsonIsWordedForTheSenderNotForTheServersCode(string body, string named)
    {
        // The reader's advice to its programmer ("Change the reader options.") told a client to change what it cannot.
        var json = Assert.Throws<BodyParseException>(() => IngestBodyParser.Parse(Encoding.UTF8.GetBytes(body), BodyFormat.Json)).Message;
        var line = Assert.Single(IngestBodyParser.Parse(Encoding.UTF8.GetBytes("{\"a\":1,}\n"), BodyFormat.NdJson));
        IngestBodyParser.Normalize(line, DatasetCatalog.Categories, new RecordNormalizer(), out var unreadable);
        foreach (var message in new[] { json, unreadable! })
        {
            Assert.Contains(named, message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("reader options", message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("this mode", message, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void InvalidUtf8InJsonIsReportedWithItsOffset()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":\"x").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        var e = Assert.Throws<BodyParseException>(() => IngestBodyParser.Parse(body, BodyFormat.Json));
        Assert.Contains("UTF-8", e.Message);
        Assert.Contains("byte 7", e.Message);
    }

    [Fact]
    public void NdjsonBadLinesRejectOnlyThemselves()
    {
        var body = Encoding.UTF8.GetBytes("{\"id\":1,\"name\":\"a\"}\r\n\n{bad json}\n[1]\n")
            .Concat(new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}', (byte)'\n' })
            .Concat(Encoding.UTF8.GetBytes("  {\"id\":2,\"name\":\"b\"} \n{\"id\":3} x\n{\"id\":4,\"name\":\"d\"}"))
            .ToArray();
        var records = IngestBodyParser.Parse(body, BodyFormat.NdJson);
        Assert.Equal(7, records.Count);
        Assert.Equal([1, 3, 4, 0, 6, 7, 8], records.Select(r => r.Line));
        Assert.Equal(1L, Read(records[0], out _)!.Record!["id"]);
        Assert.Null(Read(records[1], out var bad));
        Assert.StartsWith("line 3, byte 2: not valid JSON", bad);
        Assert.Equal("{bad json}", records[1].RawText);
        Assert.Null(Read(records[2], out var array));
        Assert.Equal("line 4: expected a JSON object, got an array", array);
        Assert.Contains("not valid UTF-8", records[3].Error);
        Assert.Null(Read(records[3], out var utf8));
        Assert.Equal(records[3].Error, utf8);
        Assert.Equal(2L, Read(records[4], out _)!.Record!["id"]);
        Assert.Equal("{\"id\":2,\"name\":\"b\"}", records[4].RawText);
        Assert.Null(Read(records[5], out var trailing));
        Assert.StartsWith("line 7", trailing);
        Assert.Equal(4L, Read(records[6], out _)!.Record!["id"]);
    }

    /// <summary>NDJSON written with bare carriage returns (classic Mac line ends) was read as one line and refused
    /// with "'{' is invalid after a single JSON value"; a body with no line feed at all ends its lines at CR.</summary>
    [Fact]
    public void NdjsonWithBareCarriageReturnLineEndsIsReadLineByLine()
    {
        var records = IngestBodyParser.Parse("{\"id\":1,\"name\":\"a\"}\r{\"id\":2,\"name\":\"b\"}\r\r{bad}\r{\"id\":4,\"name\":\"d\"}\r"u8.ToArray(), BodyFormat.NdJson);

        Assert.Equal([1, 2, 4, 5], records.Select(r => r.Line));
        Assert.Equal(1L, Read(records[0], out _)!.Record!["id"]);
        Assert.Equal(2L, Read(records[1], out _)!.Record!["id"]);
        Assert.Null(Read(records[2], out var bad));
        Assert.StartsWith("line 4, byte 2: not valid JSON", bad);
        Assert.Equal(4L, Read(records[3], out _)!.Record!["id"]);
    }

    /// <summary>Where lines end at LF (or CRLF), a lone CR is no line end: one inside a string (which JSON forbids
    /// unescaped) refuses only its own record, and does not split it into two broken ones.</summary>
    [Fact]
    public void ALoneCarriageReturnInALineFeedBodyStaysInItsLine()
    {
        var records = IngestBodyParser.Parse("{\"id\":1,\"name\":\"a\rb\"}\r\n{\"id\":2,\"name\":\"b\"}\n"u8.ToArray(), BodyFormat.NdJson);

        Assert.Equal([1, 2], records.Select(r => r.Line));
        Assert.Null(Read(records[0], out var bad));
        Assert.StartsWith("line 1, byte ", bad);
        Assert.Equal(2L, Read(records[1], out _)!.Record!["id"]);
    }

    [Fact]
    public void ReadingALineNormalizesItAndReportsItsFieldErrors()
    {
        var records = IngestBodyParser.Parse("{\"category_id\":\"12\",\"name\":\" Toys \",\"extra\":{\"a\":[1,{}]}}\n{\"id\":\"x\",\"name\":\"a\"}"u8.ToArray(), BodyFormat.NdJson);
        var first = Read(records[0], out var why);
        Assert.Null(why);
        Assert.Equal([12L, "Toys"], first!.Record!.Values);
        var second = Read(records[1], out why);
        Assert.Null(why);
        Assert.False(second!.IsValid);
        Assert.Equal("id", Assert.Single(second.Errors).Field);
    }

    private static NormalizeResult? Read(InputRecord record, out string? unreadable) =>
        IngestBodyParser.Normalize(record, DatasetCatalog.Categories, RecordNormalizer.Instance, out unreadable);

    [Fact]
    public void EmptyBodyIsAnError()
    {
        Assert.Throws<BodyParseException>(() => IngestBodyParser.Parse("  \n "u8.ToArray(), BodyFormat.NdJson));
        Assert.StartsWith("body is empty", Assert.Throws<BodyParseException>(() => IngestBodyParser.Parse(" \n"u8.ToArray(), BodyFormat.Json)).Message, StringComparison.Ordinal);
        Assert.StartsWith("body holds no records (an empty array)", Assert.Throws<BodyParseException>(() => IngestBodyParser.Parse(" [ ] "u8.ToArray(), BodyFormat.Json)).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", BodyFormat.Json)]
    [InlineData("application/x-ndjson", BodyFormat.NdJson)]
    [InlineData("application/jsonl", BodyFormat.NdJson)]
    [InlineData("text/csv", null)]
    [InlineData(null, null)]
    public void ContentTypesMapToFormats(string? contentType, BodyFormat? expected) =>
        Assert.Equal(expected, BodyFormats.FromContentType(contentType));

    /// <summary>The list a 415 answer names is the list that is accepted: it left out <c>application/jsonlines</c>,
    /// which the ingest route took, so a client reading the error could not know it.</summary>
    [Fact]
    public void The_accepted_list_names_every_documented_type_and_each_is_accepted()
    {
        string[] documented = ["application/json", "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"];

        Assert.Equal(documented.Order(), BodyFormats.Accepted.Order());
        Assert.All(BodyFormats.Accepted, type => Assert.NotNull(BodyFormats.FromContentType(type)));
    }
}
