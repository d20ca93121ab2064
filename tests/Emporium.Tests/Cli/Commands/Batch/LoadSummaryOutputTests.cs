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
}
