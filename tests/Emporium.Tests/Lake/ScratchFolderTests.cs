using Emporium.Batch.Loading;
using Emporium.Tests.Cli;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Emporium.Tests.Lake;

public sealed class ScratchFolderTests
{
    [Fact]
    public async Task A_server_opening_the_data_dir_deletes_what_killed_loads_and_processors_left_and_nothing_else()
    {
        using var dir = new TempDir("scratch");
        var folder = BatchScratch.Folder(dir.Path);
        Directory.CreateDirectory(Path.Combine(folder, "emporium-gunzip-0123", "x"));
        File.WriteAllText(Path.Combine(folder, "emporium-gunzip-0123", "x", "orders.csv"), "InvoiceNo\n1\n");
        Directory.CreateDirectory(Path.Combine(folder, "emporium-staged-4567"));
        File.WriteAllText(Path.Combine(folder, "emporium-89ab.parquet"), "PAR1");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "the user's own file");
        // The stream processor's scratch, one level up (and the batch folder itself is not a leftover).
        var processorScratch = Path.Combine(dir.Path, "tmp");
        Directory.CreateDirectory(Path.Combine(processorScratch, "emporium-cdef"));
        File.WriteAllText(Path.Combine(processorScratch, "emporium-cdef", "p0-000000000000-000000000099.parquet"), "PAR1");

        await using (var host = await TestHost.StartEmbeddedAsync(dir.Path))
        {
            Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(folder).Select(Path.GetFileName));
            Assert.Equal(["batch"], Directory.EnumerateDirectories(processorScratch).Select(Path.GetFileName));
            Assert.Equal(Path.GetFullPath(folder), Path.GetFullPath(host.Host.App.Services.GetRequiredService<Emporium.Configuration.EmporiumOptions>().Batch.TempDirectory!));
        }
    }

    [Fact]
    public async Task A_server_opening_the_data_dir_deletes_the_lake_temp_files_killed_writers_left()
    {
        using var dir = new TempDir("lake-temp");
        using var ended = System.Diagnostics.Process.Start("true")!;
        await ended.WaitForExitAsync();
        // As a processor SIGKILLed mid-flush leaves it: hidden, skipped by listings, never renamed into place.
        var folder = dir.Combine("lake", "clean", "orders", "date=2010-12-01", "country=france");
        Directory.CreateDirectory(folder);
        var leftover = Path.Combine(folder, $".p0-000000000000-000000000099.parquet.tmp-{ended.Id}-{Guid.NewGuid():N}");
        File.WriteAllText(leftover, "half a Parquet file");

        await using (await TestHost.StartEmbeddedAsync(dir.Path))
        {
            // The sweep is a background service that runs after start-up, late on a loaded machine.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (File.Exists(leftover) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            Assert.False(File.Exists(leftover), "the killed writer's temp file is still in the lake");
        }
    }

    [Fact]
    public async Task Orphans_in_a_shared_folder_are_only_what_ended_processes_left()
    {
        using var dir = new TempDir("orphans");
        using var ended = System.Diagnostics.Process.Start("true")!;
        await ended.WaitForExitAsync();
        using var running = System.Diagnostics.Process.Start("sleep", "60")!;
        try
        {
            var dead = Path.Combine(dir.Path, $"emporium-pg-extract-{ended.Id}-{Guid.NewGuid():N}.csv");
            var deadFolder = Path.Combine(dir.Path, $"emporium-send-{ended.Id}-{Guid.NewGuid():N}");
            var other = Path.Combine(dir.Path, $"emporium-crawl-{running.Id}-{Guid.NewGuid():N}");
            var mine = Emporium.Lake.ScratchFolder.NewPath(dir.Path, "s3");
            File.WriteAllText(dead, "InvoiceNo\n1\n");
            Directory.CreateDirectory(Path.Combine(deadFolder, "x"));
            Directory.CreateDirectory(other);
            File.WriteAllText(mine, "upload");
            File.WriteAllText(Path.Combine(dir.Path, "emporium-data.txt"), "not a scratch name");
            Directory.CreateDirectory(Path.Combine(dir.Path, "emporium-gunzip-0123"));

            Assert.Equal(2, Emporium.Lake.ScratchFolder.ClearOrphans(dir.Path));

            Assert.Equal(
                new[] { Path.GetFileName(other), Path.GetFileName(mine), "emporium-data.txt", "emporium-gunzip-0123" }.Order(StringComparer.Ordinal),
                Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal(Environment.ProcessId, Emporium.Lake.ScratchFolder.OwnerOf(Path.GetFileName(mine))?.Pid);
        }
        finally
        {
            running.Kill();
        }
    }

    /// <summary>A process id alone does not name a process for long: ids are reused, and on Linux <c>/proc/ID</c>
    /// exists for every thread id too. A killed writer's leftover whose id now belongs to another process or to a
    /// thread was kept for good.</summary>
    [Fact]
    public void An_entry_whose_id_now_names_another_process_or_a_thread_is_an_orphan()
    {
        using var dir = new TempDir("orphans-reused");
        using var running = System.Diagnostics.Process.Start("sleep", "60")!;
        try
        {
            var started = Emporium.Lake.ScratchFolder.StartOf(running.Id)!.Value;
            var its = Path.Combine(dir.Path, $"emporium-crawl-{running.Id}.{started}-{Guid.NewGuid():N}");
            // The same id, recorded by a process that started before the one holding the id now.
            var reused = Path.Combine(dir.Path, $"emporium-crawl-{running.Id}.{started - 3600}-{Guid.NewGuid():N}");
            Directory.CreateDirectory(its);
            Directory.CreateDirectory(reused);
            var expected = 1;
            if (OperatingSystem.IsLinux())
            {
                var thread = System.Diagnostics.Process.GetCurrentProcess().Threads.Cast<System.Diagnostics.ProcessThread>()
                    .Select(t => t.Id).First(id => id != Environment.ProcessId);
                // A name of the earlier format (no start time) whose id is now a thread of a running process.
                File.WriteAllText(Path.Combine(dir.Path, $"emporium-send-{thread}-{Guid.NewGuid():N}"), "upload");
                expected++;
            }

            Assert.Equal(expected, Emporium.Lake.ScratchFolder.ClearOrphans(dir.Path));
            Assert.Equal([Path.GetFileName(its)], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
        }
        finally
        {
            running.Kill();
        }
    }
}
