using Emporium.Cli.Commands;
using Emporium.Lake.S3;
using Npgsql;

namespace Emporium.Tests.Cli.Commands;

/// <summary>The failures the real clients raise when their backend is gone, turned into the one line a command prints.</summary>
public sealed class BackendOutageReportTests
{
    [Fact]
    public async Task An_unreachable_S3_lake_is_one_line_naming_the_setting_the_lake_and_the_reason()
    {
        var port = FreePort.Next();
        using var lake = new S3LakeStore(new S3LakeStoreOptions
        {
            Bucket = "shop-lake", Prefix = "prod", ServiceUrl = $"http://127.0.0.1:{port}", Region = "us-east-1", AccessKey = "k", SecretKey = "s",
        });
        var e = await Assert.ThrowsAnyAsync<Exception>(() => lake.ExistsAsync("raw/x.ndjson", CancellationToken.None));

        var line = BackendOutageReport.Line("emporium load", e);

        Assert.NotNull(line);
        Assert.StartsWith($"emporium load: --lake (setting Lake): lake s3://shop-lake/prod at http://127.0.0.1:{port}: cannot reach the endpoint (Connection refused", line, StringComparison.Ordinal);
    }

    /// <summary>The endpoint is masked at start-up as the address is; an outage later named it raw, user info and all,
    /// in the 503s, /health and the commands' lines.</summary>
    [Fact]
    public async Task An_unreachable_S3_lake_is_named_without_the_credentials_of_its_endpoint()
    {
        var port = FreePort.Next();
        using var lake = new S3LakeStore(new S3LakeStoreOptions
        {
            Bucket = "shop-lake", Prefix = "prod", ServiceUrl = $"http://minio:s3cr3t@127.0.0.1:{port}", Region = "us-east-1", AccessKey = "k", SecretKey = "s",
        });
        var e = await Assert.ThrowsAnyAsync<Exception>(() => lake.ExistsAsync("raw/x.ndjson", CancellationToken.None));

        var line = BackendOutageReport.Line("emporium load", e);

        Assert.NotNull(line);
        Assert.StartsWith($"emporium load: --lake (setting Lake): lake s3://shop-lake/prod at http://minio:***@127.0.0.1:{port}: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_PostgreSQL_warehouse_is_one_line_naming_the_setting_and_the_reason()
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={FreePort.Next()};Username=u;Database=d;Timeout=3;Pooling=false");
        var e = await Assert.ThrowsAnyAsync<Exception>(() => connection.OpenAsync());

        Assert.Equal("emporium load: --warehouse (setting Warehouse): PostgreSQL does not answer: cannot reach the server (Connection refused)",
            BackendOutageReport.Line("emporium load", e));
    }

    [Fact]
    public void A_failure_of_anything_else_is_not_a_backend_outage()
    {
        Assert.Null(BackendOutageReport.Line("emporium load", new InvalidOperationException("bug")));
        Assert.Null(BackendOutageReport.Line("emporium load", new HttpRequestException("Connection refused (127.0.0.1:1)")));
    }
}
