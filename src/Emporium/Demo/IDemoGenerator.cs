using Emporium.Datasets;

namespace Emporium.Demo;

/// <summary>Produces realistic rows of one dataset, one at a time, so any number of rows streams in constant memory.</summary>
public interface IDemoGenerator
{
    DatasetSchema Schema { get; }

    /// <summary>Rows this generator can make at most (categories are a fixed list); null = unlimited.</summary>
    long? MaxRows { get; }

    /// <summary>Fills <paramref name="values"/> (aligned with <see cref="DatasetSchema.Columns"/>) with the next row.</summary>
    void Next(object?[] values);
}
