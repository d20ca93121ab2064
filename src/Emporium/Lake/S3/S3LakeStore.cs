using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Transfer;
using Emporium.Configuration;

namespace Emporium.Lake.S3;

/// <summary>The lake on S3 or an S3-compatible store. An object becomes visible only when its single PUT or its
/// completed multipart upload succeeds, so readers never see a torn object; batches of objects become visible
/// through the manifests (<see cref="LakeManifestStore"/>), never through renames, which S3 does not have.</summary>
public sealed class S3LakeStore : ILakeStore, IDisposable
{
    private readonly S3LakeStoreOptions _options;
    private readonly IAmazonS3 _client;
    private readonly TransferUtility _transfer;
    private readonly string _root;

    public S3LakeStore(S3LakeStoreOptions options)
    {
        _options = options;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle ?? options.ServiceUrl is not null,
        };
        if (options.ServiceUrl is { } url)
        {
            config.ServiceURL = url;
        }
        if (options.Region is { } region)
        {
            // With a custom endpoint the region only signs requests: setting RegionEndpoint would replace the URL.
            if (options.ServiceUrl is not null)
            {
                config.AuthenticationRegion = region;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            }
        }
        _client = options.AccessKey is { } key
            ? new AmazonS3Client(new BasicAWSCredentials(key, options.SecretKey ?? ""), config)
            : new AmazonS3Client(config);
        _transfer = new TransferUtility(_client, new TransferUtilityConfig { MinSizeBeforePartUpload = options.MultipartThreshold });
        _root = options.Prefix.Trim('/') is { Length: > 0 } p ? p + "/" : "";
        Describe = $"s3://{options.Bucket}/{_root}".TrimEnd('/');
    }

    public string Describe { get; }

    /// <summary>Lists one key so a missing bucket, wrong endpoint or bad credentials fail at start-up.</summary>
    public async Task CheckBucketAsync(CancellationToken ct)
    {
        var listing = await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _root, MaxKeys = 1 }, ct).ConfigureAwait(false);
        // S3 names the bucket in every listing; a web page that answers 200 to any path does not, and the SDK reads it
        // as an empty listing.
        if (listing.Name != _options.Bucket)
        {
            throw new NotS3Exception(listing.HttpStatusCode);
        }
    }

    /// <summary>A failure of the store itself, named: the SDK's own exceptions say neither which store nor which
    /// bucket ("Connection refused (10.0.0.5:9000)"), and reached the user as such.</summary>
    private LakeUnavailableException Unavailable(Exception e) =>
        new($"lake {Describe}{(_options.ServiceUrl is { } url ? $" at {SecretMask.Text(url)}" : "")}: {S3Errors.Explain(e, _options.Bucket, _options.ServiceUrl)}", e);

    private async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (S3Errors.IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    private Task CallAsync(Func<Task> call) => CallAsync(async () =>
    {
        await call().ConfigureAwait(false);
        return true;
    });

    public async Task WriteAsync(string path, Stream content, CancellationToken ct)
    {
        var key = Key(path);
        // The whole content is read before anything is sent: a source that fails half way never reaches S3, so the
        // previous object stays as it was. Small objects buffer in memory, larger ones in a temp file.
        if (content.CanSeek && content.Length - content.Position < _options.MultipartThreshold)
        {
            var buffer = new MemoryStream();
            await content.CopyToAsync(buffer, ct).ConfigureAwait(false);
            buffer.Position = 0;
            await CallAsync(() => _client.PutObjectAsync(new PutObjectRequest { BucketName = _options.Bucket, Key = key, InputStream = buffer, AutoCloseStream = true }, ct)).ConfigureAwait(false);
            return;
        }
        var temp = ScratchFolder.NewPath(null, "s3");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, ct).ConfigureAwait(false);
            }
            await UploadAsync(key, temp, ct).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Task WriteFileAsync(string path, string localFile, CancellationToken ct) => UploadAsync(Key(path), localFile, ct);

    /// <summary>TransferUtility does a single PUT below the threshold and a multipart upload (parallel parts,
    /// aborted on failure) above it; S3 shows the object only once the upload completes.</summary>
    private Task UploadAsync(string key, string localFile, CancellationToken ct) => CallAsync(() =>
        _transfer.UploadAsync(new TransferUtilityUploadRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            FilePath = localFile,
            PartSize = Math.Max(5L << 20, _options.MultipartThreshold / 2),
        }, ct));

    public async Task<Stream?> OpenReadAsync(string path, CancellationToken ct)
    {
        var key = Key(path);
        try
        {
            var response = await _client.GetObjectAsync(_options.Bucket, key, ct).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        catch (Exception e) when (S3Errors.IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    public async IAsyncEnumerable<LakeObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = _root + prefix };
        while (true)
        {
            var response = await CallAsync(() => _client.ListObjectsV2Async(request, ct)).ConfigureAwait(false);
            foreach (var o in response.S3Objects ?? [])
            {
                yield return new LakeObject(o.Key[_root.Length..], o.Size ?? 0, o.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime()) : DateTimeOffset.MinValue);
            }
            if (response.IsTruncated != true)
            {
                yield break;
            }
            request.ContinuationToken = response.NextContinuationToken;
        }
    }

    public Task DeleteAsync(string path, CancellationToken ct) =>
        CallAsync(() => _client.DeleteObjectAsync(_options.Bucket, Key(path), ct));

    public async Task<bool> ExistsAsync(string path, CancellationToken ct)
    {
        try
        {
            await _client.GetObjectMetadataAsync(_options.Bucket, Key(path), ct).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return false;
        }
        catch (Exception e) when (S3Errors.IsStoreFailure(e))
        {
            throw Unavailable(e);
        }
    }

    private string Key(string path) => _root + LakePath.Validate(path);

    public void Dispose()
    {
        _transfer.Dispose();
        _client.Dispose();
    }
}
