namespace Emporium.Datasets;

/// <summary>How a dataset's rows land in the warehouse.</summary>
public enum WriteMode
{
    /// <summary>Latest record per key wins (products, categories, reviews).</summary>
    Upsert,
    /// <summary>Every record is a new row; exactly-once comes from log offsets (orders).</summary>
    Append,
}
