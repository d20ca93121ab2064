using Microsoft.ML;
using Microsoft.ML.Data;

namespace Emporium.Sources.Reviews;

/// <summary>An ML.NET sentiment model: <c>FeaturizeText</c> (word and character n-grams, normalised) into an SDCA
/// logistic regression. Trains in seconds on a few thousand reviews; the seed makes training reproducible.</summary>
public sealed class MlReviewClassifier : IReviewClassifier
{
    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly object _gate = new();
    private readonly PredictionEngine<Input, Output> _engine;

    private MlReviewClassifier(MLContext ml, ITransformer model)
    {
        _ml = ml;
        _model = model;
        _engine = ml.Model.CreatePredictionEngine<Input, Output>(model);
    }

    public string Name => "mlnet-sdca";

    public static MlReviewClassifier Train(IEnumerable<RatedReview> reviews, int seed = 42)
    {
        var rows = reviews.Select(r => new Input { Text = r.Text, Label = r.Positive }).ToList();
        if (rows.Select(r => r.Label).Distinct().Count() < 2)
        {
            throw new ArgumentException("training needs both positive and negative reviews", nameof(reviews));
        }
        var ml = new MLContext(seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var pipeline = ml.Transforms.Text.FeaturizeText("Features", nameof(Input.Text))
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(
                labelColumnName: nameof(Input.Label), featureColumnName: "Features"));
        return new MlReviewClassifier(ml, pipeline.Fit(data));
    }

    /// <summary>Probability that the review is positive.</summary>
    public float Probability(string text)
    {
        // PredictionEngine is not thread-safe; classification volumes here do not justify a pool.
        lock (_gate)
        {
            return _engine.Predict(new Input { Text = text }).Probability;
        }
    }

    public bool IsPositive(string text)
    {
        lock (_gate)
        {
            return _engine.Predict(new Input { Text = text }).PredictedLabel;
        }
    }

    /// <summary>Saves the trained model (a zip ML.NET can load back).</summary>
    public void Save(Stream stream) => _ml.Model.Save(_model, null, stream);

    /// <summary>A model written by <see cref="Save"/>; the stream must be seekable (ML.NET reads the zip directory).</summary>
    public static MlReviewClassifier Load(Stream stream, int seed = 42)
    {
        var ml = new MLContext(seed);
        return new MlReviewClassifier(ml, ml.Model.Load(stream, out _));
    }

    public sealed class Input
    {
        public string Text { get; set; } = "";

        public bool Label { get; set; }
    }

    public sealed class Output
    {
        public bool PredictedLabel { get; set; }

        public float Probability { get; set; }

        public float Score { get; set; }
    }
}
