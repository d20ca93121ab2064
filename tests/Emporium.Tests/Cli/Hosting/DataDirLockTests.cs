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

    /// <summary>The server publishes server.json at start and again from the key reloader's thread whenever the keys
    /// change; two at once wrote the same temp file, and one of them failed (its move found the temp file gone) or left
    /// the other's half-written text.</summary>
    [Fact]
    public async Task Publishes_from_several_threads_at_once_all_succeed_and_leave_the_last_state()
    {
        using var dir = new TempDir("data-dir-publish");
        using var owner = DataDirLock.Acquire(dir.Path);
        var auth = 0;
        using var start = new Barrier(4);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 200; i++)
            {
                owner.Publish(() => new ServerInfo("http://127.0.0.1:5080", Environment.ProcessId, DateTimeOffset.UnixEpoch, Interlocked.Increment(ref auth) % 2 == 0));
            }
        }, TaskCreationOptions.LongRunning)));

        owner.Publish(() => new ServerInfo("http://127.0.0.1:5080", Environment.ProcessId, DateTimeOffset.UnixEpoch, AuthEnabled: true));
        Assert.True(DataDirLock.FindOwner(dir.Path)?.AuthEnabled);
    }
}

