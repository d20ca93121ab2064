using Emporium.Lake.Local;
using Emporium.Sources.Reviews;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Sources.Reviews;

public sealed class ReviewModelCacheTests
{
    private static readonly (IReadOnlyList<RatedReview> Train, IReadOnlyList<RatedReview> Test) Split =
        HoldoutSplit.Split(RatedReviewReader.ReadJsonLines(SampleData.McAuleyReviews));

    [Fact]
    public async Task A_second_run_loads_the_saved_model_and_classifies_exactly_as_the_trained_one()
    {
        using var dir = new TempDir("models");
        var cache = new ReviewModelCache(new LocalLakeStore(dir.Path));

        var trained = await cache.GetOrTrainAsync(Split.Train, seed: 42, CancellationToken.None);
        Assert.False(trained.Loaded);
        Assert.StartsWith(ReviewModelCache.Folder + "/", trained.Path);
        Assert.True(File.Exists(Path.Combine(dir.Path, trained.Path)));

        var loaded = await cache.GetOrTrainAsync(Split.Train, seed: 42, CancellationToken.None);
        Assert.True(loaded.Loaded);
        Assert.Equal(trained.Path, loaded.Path);
        Assert.Equal(Split.Test.Select(r => trained.Model.Probability(r.Text)), Split.Test.Select(r => loaded.Model.Probability(r.Text)));
        Assert.Equal(Split.Test.Select(r => trained.Model.IsPositive(r.Text)), Split.Test.Select(r => loaded.Model.IsPositive(r.Text)));
    }

    [Fact]
    public async Task Changed_training_data_trains_a_new_model_under_a_new_key()
    {
        using var dir = new TempDir("models");
        var cache = new ReviewModelCache(new LocalLakeStore(dir.Path));
        var first = await cache.GetOrTrainAsync(Split.Train, seed: 42, CancellationToken.None);

        var fewer = Split.Train.Skip(1).ToList();
        var relabelled = Split.Train.Select((r, i) => i == 0 ? r with { Positive = !r.Positive } : r).ToList();
        Assert.NotEqual(ReviewModelCache.Key(Split.Train, 42), ReviewModelCache.Key(fewer, 42));
        Assert.NotEqual(ReviewModelCache.Key(Split.Train, 42), ReviewModelCache.Key(relabelled, 42));
        Assert.NotEqual(ReviewModelCache.Key(Split.Train, 42), ReviewModelCache.Key(Split.Train, 7));

        var second = await cache.GetOrTrainAsync(fewer, seed: 42, CancellationToken.None);
        Assert.False(second.Loaded);
        Assert.NotEqual(first.Path, second.Path);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir.Path, ReviewModelCache.Folder), "*.zip").Length);
    }

    [Fact]
    public async Task A_damaged_saved_model_is_trained_again_and_replaced()
    {
        using var dir = new TempDir("models");
        var lake = new LocalLakeStore(dir.Path);
        var path = $"{ReviewModelCache.Folder}/{ReviewModelCache.Key(Split.Train, 42)}.zip";
        await lake.WriteAsync(path, new MemoryStream("not a zip"u8.ToArray()), CancellationToken.None);

        var result = await new ReviewModelCache(lake).GetOrTrainAsync(Split.Train, seed: 42, CancellationToken.None);
        Assert.False(result.Loaded);
        Assert.True((await new ReviewModelCache(lake).GetOrTrainAsync(Split.Train, seed: 42, CancellationToken.None)).Loaded);
    }
}
