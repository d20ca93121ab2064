using System.Runtime.CompilerServices;

namespace Emporium.Datasets;

/// <summary>Rules that span several columns of one dataset, applied to a record whose fields are all valid.</summary>
internal abstract class DatasetRules
{
    private static readonly ConditionalWeakTable<DatasetSchema, DatasetRules> Cache = new();

    public static void Apply(DatasetSchema schema, object?[] values) => For(schema).ApplyTo(values);

    /// <summary>Whether the dataset has rules beyond its columns' own (a bulk path that only knows the column rules
    /// must leave such a dataset to the normalizer).</summary>
    public static bool AppliesTo(DatasetSchema schema) => For(schema) is not None;

    private static DatasetRules For(DatasetSchema schema) =>
        Cache.GetValue(schema, static s => s.Name == DatasetCatalog.Reviews.Name && ReviewRules.Fits(s) ? new ReviewRules(s) : None.Instance);

    protected abstract void ApplyTo(object?[] values);

    private sealed class None : DatasetRules
    {
        public static readonly None Instance = new();

        protected override void ApplyTo(object?[] values)
        {
        }
    }

    /// <summary>Reviews: first ASIN of a Datafiniti <c>asins</c> list; derived id when the source has none.</summary>
    private sealed class ReviewRules(DatasetSchema schema) : DatasetRules
    {
        private readonly int _id = schema.IndexOf("review_id");
        private readonly int _asin = schema.IndexOf("asin");
        private readonly int _reviewerId = schema.IndexOf("reviewer_id");
        private readonly int _reviewerName = schema.IndexOf("reviewer_name");
        private readonly int _reviewedAt = schema.IndexOf("reviewed_at");
        private readonly int _title = schema.IndexOf("title");
        private readonly int _text = schema.IndexOf("text");

        public static bool Fits(DatasetSchema s) =>
            s.IndexOf("review_id") >= 0 && s.IndexOf("asin") >= 0 && s.IndexOf("reviewer_id") >= 0 && s.IndexOf("reviewer_name") >= 0
            && s.IndexOf("reviewed_at") >= 0 && s.IndexOf("title") >= 0 && s.IndexOf("text") >= 0;

        protected override void ApplyTo(object?[] values)
        {
            var asin = (string)values[_asin]!;
            if (asin.Contains(','))
            {
                // Datafiniti lists every ASIN of a product in one field; the first is its main one.
                foreach (var part in asin.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                {
                    values[_asin] = asin = part;
                    break;
                }
            }
            values[_id] ??= ReviewIdentity.Derive(asin, (string?)values[_reviewerId], (string?)values[_reviewerName],
                (DateTime?)values[_reviewedAt], (string?)values[_title], (string?)values[_text]);
        }
    }
}
