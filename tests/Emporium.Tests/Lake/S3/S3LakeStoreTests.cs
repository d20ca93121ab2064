using Amazon.S3.Model;
using Emporium.Configuration;
using Emporium.Lake;
using Emporium.Lake.S3;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Lake.S3;

/// <summary>The shared lake store behaviour on an S3-compatible server (moto_server on loopback), a bucket per test,
/// plus what only S3 has: prefixes, multipart uploads and start-up checks of the bucket.</summary>
[Collection(MotoCollection.Name)]
public sealed class S3LakeStoreTests(MotoServer moto) : LakeStoreContractTests, IAsyncLifetime
{
    private S3LakeStore _lake = null!;
    private string _bucket = "";

    protected override ILakeStore Lake => _lake;

    private S3LakeStoreOptions Options(string bucket, string prefix = "lake") => new()
    {
        Bucket = bucket,
        Prefix = prefix,
        ServiceUrl = moto.Endpoint,
        Region = MotoServer.Region,
        AccessKey = MotoServer.AccessKey,
        SecretKey = MotoServer.SecretKey,
        MultipartThreshold = 5L << 20,
    };

    public async Task InitializeAsync()
    {
        _bucket = await moto.CreateBucketAsync("lake");
        _lake = new S3LakeStore(Options(_bucket));
    }

    public Task DisposeAsync()
    {
        _lake.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Objects_live_under_the_prefix_and_listings_hide_it()
    {
        await _lake.WriteAsync("raw/a.txt", Text("a"), CancellationToken.None);
        using var client = moto.CreateClient();
        var keys = (await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket })).S3Objects.Select(o => o.Key);
        Assert.Equal(["lake/raw/a.txt"], keys);
        var listed = new List<LakeObject>();
        await foreach (var o in _lake.ListAsync("", CancellationToken.None))
        {
            listed.Add(o);
        }
        Assert.Equal("raw/a.txt", Assert.Single(listed).Path);
        Assert.Equal(1, listed[0].Size);
    }

    /// <summary>A bucket removed under a running lake: reading a manifest answered "no such object" (null), as if
    /// that manifest had never been written, and other calls failed with the SDK's words only.</summary>
    [Fact]
    public async Task A_bucket_deleted_under_the_lake_is_named_as_such_not_read_as_a_missing_object()
    {
        await _lake.WriteAsync("_manifests/orders/p0-1.json", Text("{}"), CancellationToken.None);
        using (var client = moto.CreateClient())
        {
            await client.DeleteObjectAsync(_bucket, "lake/_manifests/orders/p0-1.json");
            await client.DeleteBucketAsync(_bucket);
        }

        var read = await Assert.ThrowsAsync<LakeUnavailableException>(() => _lake.OpenReadAsync("_manifests/orders/p0-1.json", CancellationToken.None));
        Assert.Equal($"lake s3://{_bucket}/lake at {moto.Endpoint}: bucket '{_bucket}' does not exist", read.Message);
        var write = await Assert.ThrowsAsync<LakeUnavailableException>(() => _lake.WriteAsync("raw/a.txt", Text("a"), CancellationToken.None));
        Assert.EndsWith($": bucket '{_bucket}' does not exist", write.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<LakeUnavailableException>(async () =>
        {
            await foreach (var _ in _lake.ListAsync("_manifests/", CancellationToken.None))
            {
            }
        });
    }

    [Fact]
    public async Task A_large_file_goes_up_in_parts_and_reads_back_byte_for_byte()
    {
        var local = Path.Combine(Path.GetTempPath(), $"emporium-s3-{Guid.NewGuid():N}.bin");
        var bytes = new byte[12 << 20];
        new Random(7).NextBytes(bytes);
        await File.WriteAllBytesAsync(local, bytes);
        try
        {
            await _lake.WriteFileAsync("clean/big.bin", local, CancellationToken.None);
        }
        finally
        {
            File.Delete(local);
        }
        await using var stream = (await _lake.OpenReadAsync("clean/big.bin", CancellationToken.None))!;
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        // A multipart upload's ETag is "<md5 of part md5s>-<parts>"; a single PUT's has no dash.
        using var client = moto.CreateClient();
        var head = await client.GetObjectMetadataAsync(_bucket, "lake/clean/big.bin");
        Assert.Contains("-", head.ETag, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_pages_through_more_than_a_thousand_objects()
    {
        await Task.WhenAll(Enumerable.Range(0, 1005).Chunk(50).Select(async chunk =>
        {
            foreach (var i in chunk)
            {
                await _lake.WriteAsync($"raw/many/{i:D4}.txt", Text("x"), CancellationToken.None);
            }
        }));
        var count = 0;
        await foreach (var _ in _lake.ListAsync("raw/many/", CancellationToken.None))
        {
            count++;
        }
        Assert.Equal(1005, count);
    }

    [Fact]
    public async Task A_missing_bucket_stops_start_up_with_a_message_naming_the_setting()
    {
        var address = BackendAddresses.Parse(BackendKind.Lake, $"s3://no-such-bucket-here/p?endpoint={Uri.EscapeDataString(moto.Endpoint)}&region=us-east-1", "file", "/unused");
        var e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await new S3LakeBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None));
        Assert.StartsWith("--lake (setting Lake): ", e.Message, StringComparison.Ordinal);
        Assert.Contains("'no-such-bucket-here' does not exist", e.Message, StringComparison.Ordinal);
    }

    /// <summary>AWS itself with no region anywhere (no ?region, no AWS_REGION, no profile): the SDK refuses to build a
    /// client, which start-up turns into the setting to add, not a stack trace. Path style takes only true or false.</summary>
    [Fact]
    public async Task No_region_and_a_bad_path_style_stop_start_up_with_a_message_naming_the_setting()
    {
        if (Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } || Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3") is { Length: > 0 } || Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") is { Length: > 0 }
            || File.Exists(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "config")))
        {
            Assert.Fail("this test needs a machine with no AWS region configured; unset AWS_REGION / AWS_DEFAULT_REGION / AWS_ENDPOINT_URL*");
        }
        // On a cloud VM the SDK would ask the instance metadata service for a region; this test means "none anywhere".
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        var address = BackendAddresses.Parse(BackendKind.Lake, "s3://some-bucket/p", "file", "/unused");
        var e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await new S3LakeBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None));
        Assert.Equal("--lake (setting Lake): cannot use 's3://some-bucket/p': no AWS region: add ?region=REGION to the address or set AWS_REGION (for an S3-compatible store, ?endpoint=http://host:port)", e.Message);

        var style = BackendAddresses.Parse(BackendKind.Lake, "s3://b/p?path_style=yes&region=us-east-1", "file", "/unused");
        e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await new S3LakeBackendFactory().CreateAsync(style, new EmporiumOptions(), CancellationToken.None));
        Assert.Contains("path_style must be true or false, got 'yes'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>A misspelt parameter was dropped without a word: <c>?path_styl=false</c> left path style on, and
    /// <c>?regoin=…</c> left the region to the environment.</summary>
    [Fact]
    public void An_unknown_address_parameter_is_refused_naming_the_ones_there_are()
    {
        var e = Assert.Throws<BackendConfigurationException>(() => S3LakeBackendFactory.Parse("s3://b/p?endpoint=http://h:9000&regoin=eu-west-1"));

        Assert.Equal("--lake (setting Lake): 's3://b/p?endpoint=http://h:9000&regoin=eu-west-1': unknown parameter 'regoin' (the parameters are endpoint, region and path_style)", e.Message);
    }

    /// <summary>Uri lower-cases the host, so <c>s3://MyBucket/…</c> became bucket <c>mybucket</c> without a word and
    /// later errors named a bucket the operator never wrote.</summary>
    [Theory]
    [InlineData("s3://MyBucket/prefix", "MyBucket")]
    [InlineData("s3://my-Bucket?region=eu-west-1", "my-Bucket")]
    public void A_bucket_with_upper_case_letters_is_refused_as_written(string address, string bucket)
    {
        var e = Assert.Throws<BackendConfigurationException>(() => S3LakeBackendFactory.Parse(address));

        Assert.Equal($"--lake (setting Lake): '{address}': bucket '{bucket}' has upper-case letters; S3 bucket names are lower-case letters, digits, dots and hyphens", e.Message);
    }

    [Fact]
    public void A_lower_case_bucket_is_kept_with_its_prefix()
    {
        var options = S3LakeBackendFactory.Parse("s3://my-bucket.eu/Some/Prefix");

        Assert.Equal("my-bucket.eu", options.Bucket);
        Assert.Equal("Some/Prefix", options.Prefix);
    }

    [Fact]
    public async Task An_unreachable_endpoint_stops_start_up_with_a_message_naming_the_setting()
    {
        var address = BackendAddresses.Parse(BackendKind.Lake, $"s3://b/p?endpoint=http://127.0.0.1:{FreePort.Next()}&region=us-east-1", "file", "/unused");
        var e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await new S3LakeBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None));
        Assert.StartsWith("--lake (setting Lake): ", e.Message, StringComparison.Ordinal);
    }

    /// <summary>An endpoint that answers HTTP but is no S3 store (a mistyped port reaching another web server, a
    /// console's address instead of its API's): start-up said "Error making request with Error Code NotFound and Http
    /// Status Code NotFound. No further error information was returned by the service.", or only that the response
    /// could not be unmarshalled, and named neither the bucket nor the likely mistake.</summary>
    [Theory]
    [InlineData(404, "Not Found")]
    [InlineData(200, "OK")]
    public async Task An_endpoint_that_is_not_S3_stops_start_up_saying_so(int status, string reason)
    {
        using var web = new System.Net.HttpListener();
        var port = FreePort.Next();
        web.Prefixes.Add($"http://127.0.0.1:{port}/");
        web.Start();
        var serving = Task.Run(async () =>
        {
            while (web.IsListening)
            {
                System.Net.HttpListenerContext context;
                try
                {
                    context = await web.GetContextAsync();
                }
                catch (Exception e) when (e is System.Net.HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                context.Response.StatusCode = status;
                context.Response.ContentType = "text/html";
                var page = System.Text.Encoding.UTF8.GetBytes("<html><body>Welcome to the admin console</body></html>");
                await context.Response.OutputStream.WriteAsync(page);
                context.Response.Close();
            }
        });
        var endpoint = $"http://127.0.0.1:{port}";
        var uri = $"s3://lake/p?endpoint={Uri.EscapeDataString(endpoint)}&region=us-east-1";
        var address = BackendAddresses.Parse(BackendKind.Lake, uri, "file", "/unused");

        var e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await new S3LakeBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None));

        Assert.Equal($"--lake (setting Lake): cannot use '{uri}' at {endpoint}: the endpoint answered {status} {reason} but not as S3 does, "
            + $"so bucket 'lake' could not be listed; is {endpoint} an S3 endpoint (its API port, not a console's)?", e.Message);
        web.Stop();
        await serving;
    }
}
