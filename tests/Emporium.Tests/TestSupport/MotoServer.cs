using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;

namespace Emporium.Tests.TestSupport;

/// <summary>An S3-compatible server for tests: <c>moto_server</c> (Python) on a free loopback port, started once per
/// collection and killed on dispose. Use <see cref="CreateBucketAsync"/> for an isolated bucket per test.</summary>
public sealed class MotoServer : IAsyncLifetime
{
    public const string AccessKey = "testing";
    public const string SecretKey = "testing";
    public const string Region = "us-east-1";

    private Process? _process;
    private int _buckets;

    public int Port { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    public IAmazonS3 CreateClient() => new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey),
        new AmazonS3Config { ServiceURL = Endpoint, ForcePathStyle = true, AuthenticationRegion = Region });

    /// <summary>The <c>s3://</c> address (as given to <c>--lake</c>) of a prefix in a bucket of this server.</summary>
    public string AddressFor(string bucket, string prefix = "lake") =>
        $"s3://{bucket}/{prefix}?endpoint={Uri.EscapeDataString(Endpoint)}&region={Region}&path_style=true";

    public async Task<string> CreateBucketAsync(string prefix = "t")
    {
        var name = $"{prefix}-{Interlocked.Increment(ref _buckets)}-{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 63)].ToLowerInvariant();
        using var client = CreateClient();
        await client.PutBucketAsync(name);
        return name;
    }

    public async Task InitializeAsync()
    {
        // Factories resolve credentials through the standard AWS chain; moto accepts any, but some must be present.
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID") ?? AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") ?? SecretKey);
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            var psi = new ProcessStartInfo("moto_server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-H", "127.0.0.1" })
            {
                psi.ArgumentList.Add(a);
            }
            _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start moto_server");
            _process.OutputDataReceived += (_, _) => { };
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
            if (await AnswersAsync())
            {
                return;
            }
            Kill();
            if (attempt >= 3)
            {
                throw new InvalidOperationException("moto_server did not answer on loopback");
            }
        }
    }

    /// <summary>Whether the server answers before it exits (its port was taken: draw another) or two minutes pass. Not a
    /// count of tries: moto imports for several seconds before it listens (7 s measured on a loaded two-core machine),
    /// and a bound of 150 tries (about 15 s) would kill a server still starting and start the next one just as slowly.</summary>
    private async Task<bool> AnswersAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!_process!.HasExited && DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync(Endpoint + "/moto-api/");
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(100);
            }
        }
        return false;
    }

    private void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        _process = null;
    }

    public Task DisposeAsync()
    {
        Kill();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class MotoCollection : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}
