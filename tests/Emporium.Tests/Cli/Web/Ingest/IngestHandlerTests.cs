using System.Text.Json;
using Emporium.Cli.Web;
using Emporium.Cli.Web.Ingest;
using Emporium.Ingest;

namespace Emporium.Tests.Cli.Web.Ingest;

public class IngestHandlerTests
{
    [Fact]
    public void AcceptedOutcomeIsTheSameJsonTheSerializerWrites()
    {
        var result = new IngestResult("orders", 3, 2, [new IngestError(1, "quantity", "expected an integer, got \"<6>\""), new IngestError(4, "", "line 5: naïve & \"bad\"")]);
        var response = IngestHandler.Outcome(result);
        var expected = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["dataset"] = "orders",
            ["accepted"] = 3,
            ["rejected"] = 2,
            ["errors"] = result.Errors,
        }, ApiErrors.Json);
        Assert.Equal(202, response.Status);
        Assert.Equal(expected, response.Body);
    }

    [Fact]
    public void NothingAcceptedIsAProblemWithTheCounts()
    {
        var response = IngestHandler.Outcome(new IngestResult("orders", 0, 1, [new IngestError(0, "", "unreadable")]));
        Assert.Equal(400, response.Status);
        using var doc = JsonDocument.Parse(response.Body);
        Assert.Equal("no valid record", doc.RootElement.GetProperty("title").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("rejected").GetInt32());
        Assert.Equal("unreadable", doc.RootElement.GetProperty("errors")[0].GetProperty("error").GetString());
    }
}
