using System.IO.Hashing;
using System.Text;
using Emporium.Lake;
using Microsoft.ML;
using Microsoft.Extensions.Logging;

namespace Emporium.Sources.Reviews;

/// <summary>The trained sentiment model kept in the lake at <c>models/review_sentiment/&lt;key&gt;.zip</c>, keyed by a
/// hash of what determines it: the training reviews (text and label, in order), the seed, the recipe version below and
/// the ML.NET version. A run with the same training data loads it instead of training again (training takes seconds);
/// changed data gives a new key, so a stale model is never used. Old models are left in place (they are small) so
/// switching back to earlier training data costs nothing.</summary>
public sealed class ReviewModelCache(ILakeStore lake, ILogger? log = null)
{
    public const string Folder = "models/review_sentiment";

    /// <summary>Bump when <see cref="MlReviewClassifier.Train"/>'s pipeline or <see cref="SentimentLexicon"/> (its words
    /// or rules: a saved model's weights belong to the markers it was trained with) changes: older models no longer
    /// match.</summary>
    private const int RecipeVersion = 4;

    public async Task<CachedModel> GetOrTrainAsync(IReadOnlyList<RatedReview> training, int seed, CancellationToken ct)
    {
        var path = $"{Folder}/{Key(training, seed)}.zip";
        if (await lake.OpenReadAsync(path, ct).ConfigureAwait(false) is { } stream)
        {
            try
            {
                var buffer = new MemoryStream();
                await using (stream)
                {
                    await stream.CopyToAsync(buffer, ct).ConfigureAwait(false);
                }
                buffer.Position = 0;
                return new CachedModel(MlReviewClassifier.Load(buffer, seed), Loaded: true, path);
            }
            catch (Exception e) when (e is InvalidOperationException or InvalidDataException or FormatException or IOException)
            {
                // A damaged model is rebuilt, not fatal: training from the same data gives the same model.
                log?.LogWarning("saved model {Path} could not be read ({Error}); training again", path, e.Message);
            }
        }
        var model = MlReviewClassifier.Train(training, seed);
        var saved = new MemoryStream();
        model.Save(saved);
        saved.Position = 0;
        await lake.WriteAsync(path, saved, ct).ConfigureAwait(false);
        return new CachedModel(model, Loaded: false, path);
    }

    /// <summary>Hex XxHash128 of everything that determines the trained model.</summary>
    public static string Key(IReadOnlyList<RatedReview> training, int seed)
    {
        var hash = new XxHash128();
        hash.Append(Encoding.UTF8.GetBytes($"recipe={RecipeVersion};mlnet={typeof(MLContext).Assembly.GetName().Version};seed={seed};n={training.Count}\n"));
        foreach (var review in training)
        {
            // Length-prefixed so no two different lists hash the same bytes.
            hash.Append(Encoding.UTF8.GetBytes($"{(review.Positive ? '+' : '-')}{Encoding.UTF8.GetByteCount(review.Text)}:"));
            hash.Append(Encoding.UTF8.GetBytes(review.Text));
        }
        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}

/// <param name="Loaded">True when the model was read back from <paramref name="Path"/>, false when trained now.</param>
public sealed record CachedModel(MlReviewClassifier Model, bool Loaded, string Path);
