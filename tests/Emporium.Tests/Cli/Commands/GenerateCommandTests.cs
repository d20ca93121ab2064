using System.CommandLine;
using Emporium.Cli.Commands;
using Emporium.Datasets;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Commands;

public sealed class GenerateCommandTests
{
    private static Task<int> Run(params string[] args)
    {
        var root = new RootCommand { new GenerateCommand().Build() };
        return root.Parse(args).InvokeAsync();
    }

    [Fact]
    public async Task WritesTheRequestedRows()
    {
        using var dir = new TempDir("generate");
        var path = dir.Combine("orders.csv");

        var exit = await Run("generate", "orders", "--rows", "500", "--out", path, "--seed", "3");

        Assert.Equal(0, exit);
        var rows = SampleRows.Csv(path);
        Assert.Equal(500, rows.Count);
        Assert.All(rows, r => Assert.True(RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, r).IsValid));
    }

    [Theory]
    [InlineData("generate", "customers", "--rows", "5", "--out", "x.csv")]
    [InlineData("generate", "products", "--rows", "5", "--out", "x.parquet")]
    [InlineData("generate", "products", "--rows", "-5", "--out", "x.csv")]
    [InlineData("generate", "products", "--out", "x.csv")]
    public async Task BadArgumentsExitNonZeroAndWriteNothing(params string[] args)
    {
        using var dir = new TempDir("generate");
        var withDir = args.Select(a => a.StartsWith("x.", StringComparison.Ordinal) ? dir.Combine(a) : a).ToArray();

        var exit = await Run(withDir);

        Assert.NotEqual(0, exit);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }
}
