using Emporium.Cli.Hosting;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

public sealed class DataDirLockTests
{
    /// <summary>A <c>--data</c> that names a file is said as such; it was .NET's "The file '…' already exists.", which
    /// reads as if the data dir's own files were in the way.</summary>
    [Fact]
    public void A_data_dir_that_is_a_file_is_said_to_be_one_and_the_file_is_left_alone()
    {
        using var dir = new TempDir("data-dir-file");
        var file = dir.Combine("data");
        File.WriteAllText(file, "notes");

        var e = Assert.Throws<StartupException>(() => DataDirLock.Acquire(file));

        Assert.Equal($"data dir {file} is a file, not a folder: give --data a folder (a missing one is created)", e.Message);
        Assert.Equal("notes", File.ReadAllText(file));
    }
}
