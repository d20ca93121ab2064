using System.Globalization;
using System.Text;
using Emporium.Lake;
using Sylvan.Data.Csv;

namespace Emporium.Sources.Reviews;

/// <summary>Classifies a movie reviews file (<c>cid,review_str</c>, seed 004) and lands
/// <c>stage/movie_review/ds=…/movie_review.csv</c> with <c>cid, positive_review, rule_positive, insert_date</c>:
/// <c>positive_review</c> is the chosen classifier's verdict (the ML model in the DAG), <c>rule_positive</c> the
/// seed's rule, kept side by side so the two can be compared on the same rows.</summary>
public sealed class MovieReviewClassification(ILakeStore lake)
{
    public const string StageName = "movie_review";

    public async Task<MovieReviewStageResult> ClassifyAsync(
        Stream reviewsCsv, IReviewClassifier classifier, DateOnly ds, CancellationToken ct)
    {
        var rule = new SeedRuleClassifier();
        var temp = Lake.ScratchFolder.NewPath(null, "movie-review", ".csv");
        long rows = 0, positive = 0, rulePositive = 0, skipped = 0;
        try
        {
            var date = ds.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await using (var output = new StreamWriter(temp, false, new UTF8Encoding(false)))
            {
                await output.WriteAsync("cid,positive_review,rule_positive,insert_date\n");
                using var text = new StreamReader(reviewsCsv);
                await using var reader = await CsvDataReader.CreateAsync(text, new CsvDataReaderOptions { HasHeaders = true });
                var cidOrdinal = Ordinal(reader, "cid");
                var reviewOrdinal = Ordinal(reader, "review_str");
                while (await reader.ReadAsync(ct))
                {
                    if (!long.TryParse(reader.GetString(cidOrdinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cid))
                    {
                        skipped++;
                        continue;
                    }
                    var review = reader.GetString(reviewOrdinal);
                    var verdict = classifier.IsPositive(review);
                    var ruleVerdict = rule.IsPositive(review);
                    rows++;
                    positive += verdict ? 1 : 0;
                    rulePositive += ruleVerdict ? 1 : 0;
                    await output.WriteAsync($"{cid},{(verdict ? "true" : "false")},{(ruleVerdict ? "true" : "false")},{date}\n");
                }
            }
            var path = await StageZone.ReplaceDayAsync(lake, StageName, ds, $"{StageName}.csv", temp, ct);
            return new MovieReviewStageResult(path, rows, positive, rulePositive, skipped, classifier.Name);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static int Ordinal(CsvDataReader reader, string column)
    {
        for (var i = 0; i < reader.FieldCount; i++)
        {
            if (string.Equals(reader.GetName(i).Trim(), column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        throw new InvalidDataException($"movie reviews file: missing column '{column}' (expected header cid,review_str)");
    }
}

/// <summary>What a classification run wrote. <paramref name="Skipped"/> counts rows whose <c>cid</c> is not an integer.</summary>
public sealed record MovieReviewStageResult(string Path, long Rows, long Positive, long RulePositive, long Skipped, string Classifier);
