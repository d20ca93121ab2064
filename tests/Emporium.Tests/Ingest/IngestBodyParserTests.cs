using System.Text;
using Emporium.Ingest;

namespace Emporium.Tests.Ingest;

public class IngestBodyParserTests
{
    [Fact]
    public void OneObjectArrayAndConcatenatedObjectsAreRecords()
    {
        Assert.Single(IngestBodyParser.Parse("{\"a\":1}"u8, BodyFormat.Json));
        var array = IngestBodyParser.Parse("[{\"a\":1},{\"a\":2},{\"a\":3}]"u8, BodyFormat.Json);
        Assert.Equal([0, 1, 2], array.Select(r => r.Index));
        Assert.Equal(2, array[1].Value!.Value.GetProperty("a").GetInt32());
        Assert.Equal(2, IngestBodyParser.Parse("{\"a\":1}\n{\"a\":2}"u8, BodyFormat.Json).Count);
    }

    [Fact]
    public void NonObjectArrayItemsAreRejectedIndividually()
    {
        var records = IngestBodyParser.Parse("[{\"a\":1},42,[1,2],{\"a\":2}]"u8, BodyFormat.Json);
        Assert.Equal(4, records.Count);
        Assert.Contains("got a number", records[1].Error);
        Assert.Contains("got an array", records[2].Error);
        Assert.NotNull(records[3].Value);
    }

    [Fact]
    public void MalformedJsonSaysWhere()
    {
        var e = Assert.Throws<BodyParseException>(() => IngestBodyParser.Parse("[{\"a\":1},\n{\"a\": tru}]"u8, BodyFormat.Json));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("byte", e.Message);
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
        var body = Encoding.UTF8.GetBytes("{\"a\":1}\r\n\n{bad json}\n[1]\n")
            .Concat(new byte[] { (byte)'{', (byte)'"', 0xFF, (byte)'"', (byte)':', (byte)'1', (byte)'}', (byte)'\n' })
            .Concat(Encoding.UTF8.GetBytes("{\"a\":2}"))
            .ToArray();
        var records = IngestBodyParser.Parse(body, BodyFormat.NdJson);
        Assert.Equal(5, records.Count);
        Assert.NotNull(records[0].Value);
        Assert.StartsWith("line 3", records[1].Error);
        Assert.Contains("expected a JSON object", records[2].Error);
        Assert.Contains("not valid UTF-8", records[3].Error);
        Assert.Equal(2, records[4].Value!.Value.GetProperty("a").GetInt32());
    }

    [Fact]
    public void EmptyBodyIsAnError()
    {
        Assert.Throws<BodyParseException>(() => IngestBodyParser.Parse("  \n "u8, BodyFormat.NdJson));
        Assert.Throws<BodyParseException>(() => IngestBodyParser.Parse(""u8, BodyFormat.Json));
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", BodyFormat.Json)]
    [InlineData("application/x-ndjson", BodyFormat.NdJson)]
    [InlineData("application/jsonl", BodyFormat.NdJson)]
    [InlineData("text/csv", null)]
    [InlineData(null, null)]
    public void ContentTypesMapToFormats(string? contentType, BodyFormat? expected) =>
        Assert.Equal(expected, BodyFormats.FromContentType(contentType));
}
