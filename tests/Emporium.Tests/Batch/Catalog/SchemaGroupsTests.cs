using Emporium.Batch.Catalog;

namespace Emporium.Tests.Batch.Catalog;

public sealed class SchemaGroupsTests
{
    private static IReadOnlyList<IReadOnlyList<string>> Split(params (string File, string Columns)[] files) =>
        SchemaGroups.Split(files.Select(f => (f.File, (IReadOnlyCollection<string>)f.Columns.Split(','))).ToList());

    [Fact]
    public void Added_and_dropped_columns_keep_files_together()
    {
        var groups = Split(("a", "id,amount"), ("b", "id,amount,note"), ("c", "ID,Amount"), ("d", "id"));

        Assert.Equal([["a", "b", "c", "d"]], groups);
    }

    [Fact]
    public void Unrelated_schemas_split_and_relatedness_is_transitive()
    {
        var groups = Split(
            ("categories.csv", "id,category_name"),
            ("products.csv", "asin,title,price,stars,category_id"),
            ("categories.txt", "id,category_name"),
            ("products_v2.csv", "asin,title,price,rating,seller,url"),
            ("sellers.csv", "seller,url,country,rating"));

        // products_v2 shares 3 of 5 with products and 3 of 4 with sellers: one group of three.
        Assert.Equal([["categories.csv", "categories.txt"], ["products.csv", "products_v2.csv", "sellers.csv"]], groups);
    }

    [Fact]
    public void Labels_are_the_folders_when_they_tell_the_groups_apart_and_file_names_otherwise()
    {
        var root = Path.Combine(Path.GetTempPath(), "export");
        string P(string relative) => Path.Combine(root, relative);

        Assert.Equal(["orders", "people"], SchemaGroups.Labels(root, [[P("orders/day=1/a.csv")], [P("people/b.csv")]]));
        Assert.Equal(["a", "b"], SchemaGroups.Labels(root, [[P("day=1/a.csv")], [P("day=1/b.json.gz")]]));
        Assert.Equal(["a", "b"], SchemaGroups.Labels(root, [[P("x/a.csv")], [P("x/b.csv")]]));
        Assert.Equal(["part", "part_2"], SchemaGroups.Labels(root, [[P("day=1/part.csv")], [P("day=2/part.csv")]]));
    }
}
