using Emporium.Batch.Loading;
using Emporium.Cli.Commands.Batch;

namespace Emporium.Tests.Cli.Commands.Batch;

public sealed class LoadSummaryOutputTests
{
    [Fact]
    public void Files_are_named_by_their_file_name_while_it_tells_them_apart()
    {
        Assert.Equal(["orders.csv", "reviews.json"], LoadSummaryOutput.DisplayNames(["/in/a/orders.csv", "/in/b/reviews.json"]));
    }

    [Fact]
    public void Files_of_one_name_are_named_by_their_path_below_the_folder_they_share()
    {
        var names = LoadSummaryOutput.DisplayNames(["/out/year=2010/part-0.csv", "/out/year=2011/part-0.csv", "/out/_x.csv"]);

        Assert.Equal(["year=2010/part-0.csv", "year=2011/part-0.csv", "_x.csv"], names);
    }

    [Fact]
    public void The_totals_add_up_and_name_rows_lost_to_a_repeated_key_only_when_there_are_some()
    {
        var keyed = new FileLoadResult("/in/p.csv", FileLoadStatus.Loaded, null, null, 7, 3, 1, [], null, [], null) { RowsDuplicateKey = 3 };
        var appended = new FileLoadResult("/in/o.csv", FileLoadStatus.Loaded, null, null, 2, 2, 0, [], null, [], null);

        Assert.Equal("1 file(s), 7 rows read, 3 loaded, 3 dup. key, 1 rejected", LoadSummaryOutput.Caption(new LoadSummary("products", [keyed])));
        Assert.Equal("1 file(s), 2 rows read, 2 loaded, 0 rejected", LoadSummaryOutput.Caption(new LoadSummary("orders", [appended])));
    }
}
