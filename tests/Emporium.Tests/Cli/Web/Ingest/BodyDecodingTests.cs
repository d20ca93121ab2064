using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Emporium.Batch.Formats;
using Emporium.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web.Ingest;

/// <summary>The body's declared charset and Content-Encoding are honoured before it is parsed: text sent as Latin-1 or
/// UTF-16 lands as the same text, a gzip body is read decompressed within the body limit.</summary>
public sealed class BodyDecodingTests
{
    private const string Country = "Curaçao – Café “Ñandú” €";

    // Written as it is (not as \u escapes, which would make every body ASCII and every charset alike).
    private static string Order(string id, string country) =>
        $"{{\"invoice_no\":\"{id}\",\"quantity\":2,\"unit_price\":1.5,\"country\":\"{country.Replace("\"", "\\\"", StringComparison.Ordinal)}\"}}";

    private static HttpContent Content(byte[] body, string contentType, string? encoding = null)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (encoding is not null)
        {
            content.Headers.ContentEncoding.Add(encoding);
        }
        return content;
    }

    private static List<string> Countries(InMemoryEventLog log) =>
        log.Messages("orders").Select(m => (string)CanonicalJson.Deserialize(DatasetCatalog.Orders, m.Value.Span)["country"]!).ToList();

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static TheoryData<string, string> Charsets => new()
    {
        { "latin1", "windows-1252" },
        { "ISO-8859-1", "windows-1252" },
        { "\"windows-1252\"", "windows-1252" },
        { "cp1252", "windows-1252" },
        { "utf-16", "utf-16be-bom" },
        { "utf-16", "utf-16le-bom" },
        { "utf-16", "utf-16be" },
        { "utf-16le", "utf-16le" },
        { "UTF-8", "utf-8-bom" },
        { "utf8", "utf-8" },
    };

    private static byte[] Encode(string text, string how)
    {
        var windows1252 = FileProbe.Windows1252;
        return how switch
        {
            "windows-1252" => windows1252.GetBytes(text),
            "utf-16be-bom" => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)],
            "utf-16le-bom" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
            "utf-16be" => Encoding.BigEndianUnicode.GetBytes(text),
            "utf-16le" => Encoding.Unicode.GetBytes(text),
            "utf-8-bom" => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
            _ => Encoding.UTF8.GetBytes(text),
        };
    }

    [Theory]
    [MemberData(nameof(Charsets))]
    public async Task The_declared_charset_is_decoded_and_the_text_lands_as_sent(string charset, string how)
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        foreach (var (type, body) in new[] { ("application/json", $"[{Order("L1", Country)}]"), ("application/x-ndjson", $"{Order("L2", Country)}\n{Order("L3", Country)}\n") })
        {
            var response = await host.Client.PostAsync("/api/v1/ingest/orders", Content(Encode(body, how), $"{type}; charset={charset}"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }
        Assert.Equal([Country, Country, Country], Countries(log));
    }

    [Theory]
    [InlineData("latin1", "windows-1252")]
    [InlineData("utf-16", "utf-16le-bom")]
    public async Task A_title_sent_in_another_charset_is_stored_in_the_warehouse_as_sent(string charset, string how)
    {
        const string title = "Café crème – “Édition” à 9 €";
        await using var h = await Emporium.Tests.Processing.ProcessingHarness.StartAsync(
            new Emporium.Processing.StreamProcessorOptions { Datasets = [DatasetCatalog.Products] });
        // The host takes the harness's log (and closes it when disposed), so the processor drains while it runs.
        await using var host = await TestHost.StartAsync(h.Log, RecordNormalizer.Instance);
        var body = $"{{\"asin\":\"B0LATIN\",\"title\":\"{title}\",\"price\":9.5}}";
        var response = await host.Client.PostAsync("/api/v1/ingest/products", Content(Encode(body, how), $"application/json; charset={charset}"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await h.DrainAsync();
        var row = Assert.Single(await h.QueryAsync("SELECT title FROM products WHERE asin = 'B0LATIN'"));
        Assert.Equal(title, row[0]);
    }

    [Fact]
    public async Task A_utf8_bom_without_a_charset_is_accepted()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", Content(Encode(Order("B1", Country), "utf-8-bom"), "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal([Country], Countries(log));
    }

    [Fact]
    public async Task A_charset_not_supported_is_415_naming_it_and_the_supported_ones()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", Content(Encoding.UTF8.GetBytes(Order("U1", "x")), "application/json; charset=shift_jis"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var json = await JsonOf(response);
        var detail = json.GetProperty("detail").GetString()!;
        Assert.Contains("shift_jis", detail);
        Assert.Contains("windows-1252", detail);
        Assert.Contains("utf-16", detail);
        Assert.Equal("Content-Type", json.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Empty(log.Messages("orders"));
    }

    [Fact]
    public async Task Utf16_of_an_odd_length_is_400_saying_so()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", Content([.. Encode(Order("O1", Country), "utf-16le"), 0x41], "application/json; charset=utf-16le"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-16", (await JsonOf(response)).GetProperty("detail").GetString());
        Assert.Empty(log.Messages("orders"));
    }

    private static byte[] Gzip(byte[] data, CompressionLevel level = CompressionLevel.Fastest, string coding = "gzip")
    {
        using var output = new MemoryStream();
        using (Stream compressor = coding switch
               {
                   "deflate" => new ZLibStream(output, level),
                   "br" => new BrotliStream(output, level),
                   _ => new GZipStream(output, level),
               })
        {
            compressor.Write(data);
        }
        return output.ToArray();
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("x-gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task A_compressed_body_is_decompressed(string coding)
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var body = string.Join('\n', Enumerable.Range(1, 20).Select(i => Order($"G{i}", Country)));
        var response = await host.Client.PostAsync("/api/v1/ingest/orders",
            Content(Gzip(Encoding.UTF8.GetBytes(body), coding: coding == "x-gzip" ? "gzip" : coding), "application/x-ndjson", coding));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(20, (await JsonOf(response)).GetProperty("accepted").GetInt32());
        Assert.Equal(Enumerable.Repeat(Country, 20), Countries(log));
    }

    [Fact]
    public async Task A_gzip_body_over_the_limit_once_decompressed_is_413_naming_the_limit()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer(),
            configure: o => o with { Ingest = o.Ingest with { MaxBodyBytes = 64 * 1024 } });
        // A bomb: 16 MiB of spaces compress to a few KiB, well under the limit on the wire.
        var bomb = Gzip([.. Encoding.UTF8.GetBytes(Order("Z1", "x")), .. Enumerable.Repeat((byte)' ', 16 << 20)], CompressionLevel.SmallestSize);
        Assert.True(bomb.Length < 64 * 1024, $"{bomb.Length} bytes compressed");
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", Content(bomb, "application/json", "gzip"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var detail = (await JsonOf(response)).GetProperty("detail").GetString()!;
        Assert.Contains("65536", detail);
        Assert.Contains("decompressed", detail);
        Assert.Empty(log.Messages("orders"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task A_body_that_is_not_the_coding_it_claims_is_400_saying_so(string coding)
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", Content(Encoding.UTF8.GetBytes(Order("N1", "x")), "application/json", coding));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"not valid {coding}", (await JsonOf(response)).GetProperty("detail").GetString());
        Assert.Empty(log.Messages("orders"));
    }

    [Fact]
    public async Task An_encoding_not_supported_is_415_naming_it()
    {
        var log = new InMemoryEventLog();
        await using var host = await TestHost.StartAsync(log, new StrictTestNormalizer());
        var response = await host.Client.PostAsync("/api/v1/ingest/orders", Content(Encoding.UTF8.GetBytes(Order("C1", "x")), "application/json", "compress"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var json = await JsonOf(response);
        Assert.Contains("compress", json.GetProperty("detail").GetString());
        Assert.Contains("gzip", json.GetProperty("detail").GetString());
        Assert.Equal("Content-Encoding", json.GetProperty("errors")[0].GetProperty("field").GetString());
        Assert.Empty(log.Messages("orders"));
    }
}
