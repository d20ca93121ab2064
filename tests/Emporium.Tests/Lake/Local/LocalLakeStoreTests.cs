using System.Text;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Lake.Local;

public sealed class LocalLakeStoreTests : IDisposable
{
    private readonly TempDir _dir = new("lake");
    private readonly LocalLakeStore _lake;

    public LocalLakeStoreTests() => _lake = new LocalLakeStore(_dir.Path);

    public void Dispose() => _dir.Dispose();

    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    private async Task<string?> Read(string path)
    {
        await using var stream = await _lake.OpenReadAsync(path, CancellationToken.None);
        return stream is null ? null : await new StreamReader(stream).ReadToEndAsync();
    }

    [Fact]
    public async Task Writes_reads_lists_and_deletes_objects()
    {
        await _lake.WriteAsync("raw/orders/year=2010/month=12/day=01/a.ndjson", Text("{}\n"), CancellationToken.None);
        await _lake.WriteAsync("raw/orders/year=2010/month=12/day=02/b.ndjson", Text("{}\n{}\n"), CancellationToken.None);
        await _lake.WriteAsync("clean/orders/x.parquet", Text("p"), CancellationToken.None);

        Assert.Equal("{}\n", await Read("raw/orders/year=2010/month=12/day=01/a.ndjson"));
        Assert.Null(await Read("raw/orders/missing.ndjson"));
        var listed = new List<string>();
        await foreach (var o in _lake.ListAsync("raw/orders/", CancellationToken.None))
        {
            listed.Add(o.Path);
        }
        Assert.Equal(["raw/orders/year=2010/month=12/day=01/a.ndjson", "raw/orders/year=2010/month=12/day=02/b.ndjson"], listed.Order());

        var partial = new List<string>();
        await foreach (var o in _lake.ListAsync("raw/orders/year=2010/month=12/day=02/b", CancellationToken.None))
        {
            partial.Add(o.Path);
        }
        Assert.Equal(["raw/orders/year=2010/month=12/day=02/b.ndjson"], partial);

        await _lake.DeleteAsync("clean/orders/x.parquet", CancellationToken.None);
        Assert.False(await _lake.ExistsAsync("clean/orders/x.parquet", CancellationToken.None));
        await _lake.DeleteAsync("clean/orders/x.parquet", CancellationToken.None); // idempotent
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
        await Assert.ThrowsAsync<ArgumentException>(() => _lake.WriteAsync(path, Text("x"), CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _lake.OpenReadAsync(path, CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => _lake.DeleteAsync(path, CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_dir.Path)!, "escape.txt")));
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_the_previous_object_whole_and_no_visible_leftover()
    {
        await _lake.WriteAsync("clean/a.bin", Text("old content"), CancellationToken.None);
        await Assert.ThrowsAsync<IOException>(() => _lake.WriteAsync("clean/a.bin", new FailingStream(Encoding.UTF8.GetBytes("new partial")), CancellationToken.None));

        Assert.Equal("old content", await Read("clean/a.bin"));
        var listed = new List<string>();
        await foreach (var o in _lake.ListAsync("clean/", CancellationToken.None))
        {
            listed.Add(o.Path);
        }
        Assert.Equal(["clean/a.bin"], listed);
        Assert.Single(Directory.GetFiles(_dir.Combine("clean")));
    }

    [Fact]
    public async Task Overwrites_replace_the_whole_object()
    {
        await _lake.WriteAsync("stage/x/ds=2024-01-01/part.csv", Text(new string('a', 100_000)), CancellationToken.None);
        await _lake.WriteAsync("stage/x/ds=2024-01-01/part.csv", Text("short"), CancellationToken.None);
        Assert.Equal("short", await Read("stage/x/ds=2024-01-01/part.csv"));
    }

    [Fact]
    public async Task Uploads_a_local_file()
    {
        var local = _dir.Combine("local.txt");
        await File.WriteAllTextAsync(local, "from disk");
        await _lake.WriteFileAsync("raw/f/file.txt", local, CancellationToken.None);
        Assert.Equal("from disk", await Read("raw/f/file.txt"));
        Assert.True(File.Exists(local));
    }

    /// <summary>Yields some bytes, then fails like a dropped upload.</summary>
    private sealed class FailingStream(byte[] head) : MemoryStream(head)
    {
        public override int Read(byte[] buffer, int offset, int count) => Position < Length ? base.Read(buffer, offset, count) : throw new IOException("connection reset");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position < Length ? base.ReadAsync(buffer, cancellationToken) : throw new IOException("connection reset");
    }
}
