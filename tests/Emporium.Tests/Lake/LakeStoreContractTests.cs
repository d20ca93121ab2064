using System.Text;
using Emporium.Lake;

namespace Emporium.Tests.Lake;

/// <summary>The behaviour every lake store must show (local folder, S3): reads, listings by prefix, deletes,
/// path validation, atomic overwrites and failed writes that leave the previous object whole. Each backend's test
/// class derives from it and supplies an empty store.</summary>
public abstract class LakeStoreContractTests
{
    protected abstract ILakeStore Lake { get; }

    protected static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    protected async Task<string?> Read(string path)
    {
        await using var stream = await Lake.OpenReadAsync(path, CancellationToken.None);
        return stream is null ? null : await new StreamReader(stream).ReadToEndAsync();
    }

    [Fact]
    public async Task Writes_reads_lists_and_deletes_objects()
    {
        await Lake.WriteAsync("raw/orders/year=2010/month=12/day=01/a.ndjson", Text("{}\n"), CancellationToken.None);
        await Lake.WriteAsync("raw/orders/year=2010/month=12/day=02/b.ndjson", Text("{}\n{}\n"), CancellationToken.None);
        await Lake.WriteAsync("clean/orders/x.parquet", Text("p"), CancellationToken.None);

        Assert.Equal("{}\n", await Read("raw/orders/year=2010/month=12/day=01/a.ndjson"));
        Assert.Null(await Read("raw/orders/missing.ndjson"));
        var listed = new List<string>();
        await foreach (var o in Lake.ListAsync("raw/orders/", CancellationToken.None))
        {
            listed.Add(o.Path);
        }
        Assert.Equal(["raw/orders/year=2010/month=12/day=01/a.ndjson", "raw/orders/year=2010/month=12/day=02/b.ndjson"], listed.Order());

        var partial = new List<string>();
        await foreach (var o in Lake.ListAsync("raw/orders/year=2010/month=12/day=02/b", CancellationToken.None))
        {
            partial.Add(o.Path);
        }
        Assert.Equal(["raw/orders/year=2010/month=12/day=02/b.ndjson"], partial);

        await Lake.DeleteAsync("clean/orders/x.parquet", CancellationToken.None);
        Assert.False(await Lake.ExistsAsync("clean/orders/x.parquet", CancellationToken.None));
        await Lake.DeleteAsync("clean/orders/x.parquet", CancellationToken.None); // idempotent
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("raw/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("raw//double.txt")]
    [InlineData("raw/./x.txt")]
    [InlineData("raw\\x.txt")]
    [InlineData("")]
    public async Task Paths_outside_the_lake_or_malformed_are_rejected(string path)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Lake.WriteAsync(path, Text("x"), CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Lake.OpenReadAsync(path, CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Lake.DeleteAsync(path, CancellationToken.None));
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_the_previous_object_whole_and_no_visible_leftover()
    {
        await Lake.WriteAsync("clean/a.bin", Text("old content"), CancellationToken.None);
        await Assert.ThrowsAsync<IOException>(() => Lake.WriteAsync("clean/a.bin", new FailingStream(Encoding.UTF8.GetBytes("new partial")), CancellationToken.None));

        Assert.Equal("old content", await Read("clean/a.bin"));
        var listed = new List<string>();
        await foreach (var o in Lake.ListAsync("clean/", CancellationToken.None))
        {
            listed.Add(o.Path);
        }
        Assert.Equal(["clean/a.bin"], listed);
    }

    [Fact]
    public async Task Overwrites_replace_the_whole_object()
    {
        await Lake.WriteAsync("stage/x/ds=2024-01-01/part.csv", Text(new string('a', 100_000)), CancellationToken.None);
        await Lake.WriteAsync("stage/x/ds=2024-01-01/part.csv", Text("short"), CancellationToken.None);
        Assert.Equal("short", await Read("stage/x/ds=2024-01-01/part.csv"));
    }

    [Fact]
    public async Task Uploads_a_local_file()
    {
        var local = Path.Combine(Path.GetTempPath(), $"emporium-lake-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(local, "from disk");
        await Lake.WriteFileAsync("raw/f/file.txt", local, CancellationToken.None);
        Assert.Equal("from disk", await Read("raw/f/file.txt"));
        Assert.True(File.Exists(local));
        File.Delete(local);
    }

    /// <summary>Yields some bytes, then fails like a dropped upload.</summary>
    protected sealed class FailingStream(byte[] head) : MemoryStream(head)
    {
        public override int Read(byte[] buffer, int offset, int count) => Position < Length ? base.Read(buffer, offset, count) : throw new IOException("connection reset");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("connection reset");
    }
}
