using System.Text;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Lake.Local;

public sealed class LocalLakeStoreTests : LakeStoreContractTests, IDisposable
{
    private readonly TempDir _dir = new("lake");
    private readonly LocalLakeStore _lake;

    public LocalLakeStoreTests() => _lake = new LocalLakeStore(_dir.Path);

    protected override ILakeStore Lake => _lake;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Nothing_escapes_the_root_folder()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _lake.WriteAsync("../escape.txt", Text("x"), CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(_dir.Path)!, "escape.txt")));
    }

    [Fact]
    public async Task A_failed_write_leaves_no_temp_file_behind()
    {
        await _lake.WriteAsync("clean/a.bin", Text("old content"), CancellationToken.None);
        await Assert.ThrowsAsync<IOException>(() => _lake.WriteAsync("clean/a.bin", new FailingStream(Encoding.UTF8.GetBytes("new partial")), CancellationToken.None));
        Assert.Single(Directory.GetFiles(_dir.Combine("clean")));
    }
}
