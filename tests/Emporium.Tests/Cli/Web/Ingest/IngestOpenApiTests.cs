using System.Text.Json;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Web.Ingest;

/// <summary>The served OpenAPI document said nothing of the charsets and content codings ingest reads, nor why it
/// answers 413 or 415, so a generated client could not know it may compress a body or send Latin-1.</summary>
public class IngestOpenApiTests
{
    [Fact]
    public async Task The_ingest_routes_describe_the_charsets_content_codings_and_their_413_and_415()
    {
        await using var host = await TestHost.StartAsync(new InMemoryEventLog());
        var paths = JsonDocument.Parse(await host.Client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");

        foreach (var path in new[] { "/api/v1/ingest/{dataset}", "/AmazonProduct", "/Category" })
        {
            var post = paths.GetProperty(path).GetProperty("post");
            var encoding = post.GetProperty("parameters").EnumerateArray()
                .Single(p => p.GetProperty("in").GetString() == "header" && p.GetProperty("name").GetString() == "Content-Encoding");
            Assert.Equal(["gzip", "x-gzip", "deflate", "br", "identity"],
                encoding.GetProperty("schema").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
            Assert.False(encoding.TryGetProperty("required", out var required) && required.GetBoolean());
            Assert.Contains(post.GetProperty("parameters").EnumerateArray(),
                p => p.GetProperty("in").GetString() == "header" && p.GetProperty("name").GetString() == "Idempotency-Key");

            var body = post.GetProperty("requestBody").GetProperty("description").GetString()!;
            foreach (var charset in new[] { "utf-8", "utf-16", "utf-16le", "utf-16be", "windows-1252", "iso-8859-1", "latin1", "us-ascii" })
            {
                Assert.Contains(charset, body, StringComparison.Ordinal);
            }

            var responses = post.GetProperty("responses");
            var tooLarge = responses.GetProperty("413").GetProperty("description").GetString()!;
            Assert.Contains("Ingest:MaxBodyBytes", tooLarge, StringComparison.Ordinal);
            Assert.Contains("decompressed", tooLarge, StringComparison.Ordinal);
            var unsupported = responses.GetProperty("415").GetProperty("description").GetString()!;
            Assert.Contains("charset", unsupported, StringComparison.Ordinal);
            Assert.Contains("Content-Encoding", unsupported, StringComparison.Ordinal);
        }
    }
}
