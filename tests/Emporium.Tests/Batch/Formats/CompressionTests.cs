using Emporium.Batch.Formats;
using Emporium.Tests.TestSupport;
using Emporium.Tests.Batch;

namespace Emporium.Tests.Batch.Formats;

public sealed class CompressionTests
{
    [Fact]
    public async Task One_member_and_concatenated_members_decompress_to_the_original_bytes()
    {
        using var dir = new TempDir("gunzip");
        var first = File.ReadAllBytes(SampleData.OnlineRetail);
        var second = File.ReadAllBytes(SampleData.CategoriesCsv);
        BatchTestFiles.Gzip(SampleData.OnlineRetail, dir.Combine("one.csv.gz"));
        File.WriteAllBytes(dir.Combine("two.csv.gz"), [.. File.ReadAllBytes(dir.Combine("one.csv.gz")), .. File.ReadAllBytes(BatchTestFiles.Gzip(SampleData.CategoriesCsv, dir.Combine("c.gz")))]);

        var one = await Compression.GunzipAsync(dir.Combine("one.csv.gz"), dir.Combine("out1"), CancellationToken.None);
        var two = await Compression.GunzipAsync(dir.Combine("two.csv.gz"), dir.Combine("out2"), CancellationToken.None);

        Assert.Equal("one.csv", Path.GetFileName(one.Path));
        Assert.Equal(first, File.ReadAllBytes(one.Path));
        Assert.Equal([.. first, .. second], File.ReadAllBytes(two.Path));
        // The content is probed while it is decompressed: the same probe as reading the copy afterwards, without a
        // hash (the file's identity is the hash of the bytes received).
        var again = await FileProbe.RunAsync(two.Path, CancellationToken.None);
        Assert.Equal((again.Size, again.IsValidUtf8, again.BomLength), (two.Probe.Size, two.Probe.IsValidUtf8, two.Probe.BomLength));
        Assert.Equal(again.Head, two.Probe.Head);
        Assert.Equal("", two.Probe.Sha256);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(-1)]
    public async Task A_cut_off_file_is_refused_rather_than_read_short(int cutFromEnd)
    {
        using var dir = new TempDir("gunzip");
        var whole = File.ReadAllBytes(BatchTestFiles.Gzip(SampleData.OnlineRetail, dir.Combine("whole.gz")));
        var kept = cutFromEnd < 0 ? whole.Length / 2 : whole.Length - cutFromEnd;
        File.WriteAllBytes(dir.Combine("cut.csv.gz"), whole[..kept]);

        var error = await Assert.ThrowsAsync<FileReadException>(() => Compression.GunzipAsync(dir.Combine("cut.csv.gz"), dir.Combine("out"), CancellationToken.None));

        Assert.Contains("gzip", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_byte_is_refused()
    {
        using var dir = new TempDir("gunzip");
        var whole = File.ReadAllBytes(BatchTestFiles.Gzip(SampleData.OnlineRetail, dir.Combine("whole.gz")));
        whole[whole.Length / 2] ^= 0x5A;
        File.WriteAllBytes(dir.Combine("bad.csv.gz"), whole);

        await Assert.ThrowsAsync<FileReadException>(() => Compression.GunzipAsync(dir.Combine("bad.csv.gz"), dir.Combine("out"), CancellationToken.None));
    }

    [Theory]
    [InlineData("orders.csv.gz", "orders.csv")]
    [InlineData("Orders.JSON.GZ", "Orders.JSON")]
    [InlineData("dump.gzip", "dump")]
    [InlineData("plain.csv", "plain.csv")]
    [InlineData(".gz", ".gz")]
    public void The_inner_name_drops_the_compression_extension(string name, string inner) =>
        Assert.Equal(inner, Compression.InnerName(name));
}
