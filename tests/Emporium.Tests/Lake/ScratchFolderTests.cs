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
}
