using Emporium.Batch.Loading;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Batch.Loading;

public sealed class PathExpanderTests
{
    [Fact]
    public void A_folder_walk_takes_the_data_and_leaves_markers_temp_names_and_documentation()
    {
        using var dir = new TempDir("expand");
        string[] data = ["orders/part-0000.csv", "orders/date=2010-12-01/part-0001.csv.gz", "products.txt", "reviews.jsonl", "export"];
        string[] left = ["orders/_SUCCESS", "orders/_committed_123", "orders/.part-0000.csv.crc", "orders/part-0002.csv.tmp", "README.md", "SOURCE.md", "chart.png", "~$book.xlsx", "notes.yml"];
        foreach (var file in data.Concat(left))
        {
            var path = dir.Combine(file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
        }

        var expansion = PathExpander.Expand([dir.Path]);

        Assert.Equal(data.Select(f => Path.GetFullPath(dir.Combine(f))).Order(StringComparer.Ordinal), expansion.Files);
        Assert.Empty(expansion.Missing);
        // Named on its own (or by a glob), a file is taken whatever its name says.
        Assert.Equal([Path.GetFullPath(dir.Combine("README.md"))], PathExpander.Expand([dir.Combine("README.md")]).Files);
        Assert.Equal([Path.GetFullPath(dir.Combine("README.md")), Path.GetFullPath(dir.Combine("SOURCE.md"))], PathExpander.Expand([dir.Combine("*.md")]).Files);
        // A folder of nothing but documentation has nothing to load.
        var docs = Directory.CreateDirectory(dir.Combine("docs-only")).FullName;
        File.WriteAllText(Path.Combine(docs, "README.md"), "# nothing here");
        Assert.Equal([docs], PathExpander.Expand([docs]).Missing);
    }

    [Fact]
    public void Hidden_and_underscore_folders_below_the_path_are_not_data()
    {
        using var dir = new TempDir("expand");
        string[] data = ["out/part-00000.csv", "out/year=2010/part-00001.csv"];
        string[] left = ["out/_temporary/0/task_1/part-00002.csv", "out/.ipynb_checkpoints/part-00000-checkpoint.csv", "out/_delta_log/00000.json"];
        foreach (var file in data.Concat(left))
        {
            var path = dir.Combine(file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
        }
        var expected = data.Select(f => Path.GetFullPath(dir.Combine(f))).Order(StringComparer.Ordinal);

        Assert.Equal(expected, PathExpander.Expand([dir.Combine("out")]).Files);
        Assert.Equal(expected, PathExpander.Expand([dir.Combine("out/**/*.csv")]).Files);
        // Only folders below the given path count: a hidden folder the user names is theirs to load.
        Assert.Single(PathExpander.Expand([dir.Combine("out/_temporary")]).Files);
    }

    [Fact]
    public void An_emporium_data_dir_below_the_path_is_not_data()
    {
        using var dir = new TempDir("expand");
        string[] data = ["files/stock.csv"];
        string[] left = ["files/emporium-data/emporium.lock", "files/emporium-data/deadletters/deadletters.ndjson", "files/emporium-data/lake/clean/orders/part-0.parquet"];
        foreach (var file in data.Concat(left))
        {
            var path = dir.Combine(file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
        }
        var expected = data.Select(f => Path.GetFullPath(dir.Combine(f)));

        Assert.Equal(expected, PathExpander.Expand([dir.Combine("files")]).Files);
        Assert.Equal(expected, PathExpander.Expand([dir.Path]).Files);
        Assert.Equal(expected, PathExpander.Expand([dir.Combine("files/**/*.csv"), dir.Combine("files/**/*.ndjson")]).Files);
        // A folder inside the data dir, named on its own, is the user's choice (the lake's files are data).
        Assert.Single(PathExpander.Expand([dir.Combine("files/emporium-data/lake")]).Files);
    }
}
