using System.Text.Json;
using Emporium.Datasets;

namespace Emporium.Tests.Datasets;

public sealed class ReviewIdentityTests
{
    private static string Id(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = RecordNormalizer.Instance.Normalize(DatasetCatalog.Reviews, doc.RootElement);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return (string)result.Record!["review_id"]!;
    }

    private const string McAuley = """{"overall": 5.0, "verified": true, "reviewTime": "09 4, 2015", "reviewerID": "ALJ66O1Y6SLHA", "asin": "B000K2PJ4K", "reviewerName": "Tonya B.", "reviewText": "Great product and price!", "summary": "Five Stars", "unixReviewTime": 1441324800}""";

    [Fact]
    public void ResendGetsTheSameIdWhateverTheFieldOrderOrSpelling()
    {
        var resent = """{"asin":"B000K2PJ4K","unixReviewTime":1441324800,"summary":"Five Stars","reviewText":"Great product and price!","reviewerID":"ALJ66O1Y6SLHA","overall":"5"}""";
        var canonical = """{"asin":"B000K2PJ4K","reviewed_at":"2015-09-04T00:00:00Z","title":"Five Stars","text":"Great product and price!","reviewer_id":"ALJ66O1Y6SLHA","rating":5}""";

        Assert.Equal(Id(McAuley), Id(resent));
        Assert.Equal(Id(McAuley), Id(canonical));
        Assert.Matches("^[0-9a-f]{32}$", Id(McAuley));
    }

    [Theory]
    [InlineData("reviewerID", "\"SOMEONE-ELSE\"")]
    [InlineData("asin", "\"B000000000\"")]
    [InlineData("unixReviewTime", "1441411200")]
    [InlineData("summary", "\"Four Stars\"")]
    [InlineData("reviewText", "\"Runs small.\"")]
    public void DifferentReviewsGetDifferentIds(string field, string value)
    {
        using var doc = JsonDocument.Parse(McAuley);
        var changed = new Dictionary<string, JsonElement>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            changed[p.Name] = p.Value;
        }
        changed[field] = JsonDocument.Parse(value).RootElement;

        Assert.NotEqual(Id(McAuley), Id(JsonSerializer.Serialize(changed)));
    }

    [Fact]
    public void GivenIdIsKept()
    {
        Assert.Equal("R-42", Id("""{"review_id":"R-42","asin":"B1","rating":4}"""));
        Assert.Equal("99", Id("""{"reviews.id":99,"asin":"B1","reviews.rating":4}"""));
    }

    [Fact]
    public void WithoutReviewerIdTheNameAndTextTellReviewsApart()
    {
        var a = Id("""{"asins":"B01AHB9CN2","reviews.rating":5,"reviews.username":"Dave","reviews.date":"2017-01-13T00:00:00.000Z","reviews.title":"Great","reviews.text":"Love it"}""");
        var b = Id("""{"asins":"B01AHB9CN2","reviews.rating":5,"reviews.username":"Dave","reviews.date":"2017-01-13T00:00:00.000Z","reviews.title":"Great","reviews.text":"Kids love it"}""");
        var c = Id("""{"asins":"B01AHB9CN2","reviews.rating":5,"reviews.username":"Dave","reviews.date":"2017-01-13T00:00:00.000Z","reviews.title":"Great","reviews.text":"Love it"}""");

        Assert.NotEqual(a, b);
        Assert.Equal(a, c);
    }

    [Fact]
    public void IdIsAFixedFunctionOfTheContent()
    {
        // Pinned so a change of recipe (which would duplicate every stored review on resend) cannot go unnoticed.
        var expected = ReviewIdentity.Derive("B000K2PJ4K", "ALJ66O1Y6SLHA", "Tonya B.", new DateTime(2015, 9, 4, 0, 0, 0, DateTimeKind.Utc), "Five Stars", "Great product and price!");
        var hash = System.IO.Hashing.XxHash128.HashToUInt128(System.Text.Encoding.UTF8.GetBytes(
            string.Join('\u001f', "B000K2PJ4K", "ALJ66O1Y6SLHA", new DateTime(2015, 9, 4, 0, 0, 0, DateTimeKind.Utc).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), "Five Stars", "Great product and price!")));

        Assert.Equal(hash.ToString("x32", System.Globalization.CultureInfo.InvariantCulture), expected);
        Assert.Equal(expected, Id(McAuley));
    }

    [Fact]
    public void LongTextHashesToo()
    {
        var text = new string('é', 5000);
        var a = ReviewIdentity.Derive("B1", null, "n", null, null, text);
        var b = ReviewIdentity.Derive("B1", null, "n", null, null, text + "!");

        Assert.NotEqual(a, b);
        Assert.Equal(a, ReviewIdentity.Derive("B1", null, "n", null, null, text));
    }
}
