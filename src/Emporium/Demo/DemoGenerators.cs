using Emporium.Datasets;

namespace Emporium.Demo;

/// <summary>Entry point of the demo data: a generator per dataset, or the records themselves.</summary>
public static class DemoGenerators
{
    /// <summary>The dataset names the demo can generate.</summary>
    public static IReadOnlyList<string> Datasets { get; } = DatasetCatalog.All.Select(d => d.Name).ToArray();

    /// <summary>A generator for <paramref name="dataset"/> (case-insensitive) planned for <paramref name="rows"/> rows,
    /// which spreads dates evenly over <see cref="DemoOptions.Days"/>.</summary>
    public static IDemoGenerator Create(string dataset, long rows, DemoOptions? options = null)
    {
        options ??= new DemoOptions();
        var schema = DatasetCatalog.Find(dataset)
                     ?? throw new ArgumentException($"unknown dataset '{dataset}'; known: {string.Join(", ", Datasets)}");
        return schema.Name switch
        {
            "products" => new ProductGenerator(options, rows),
            "categories" => new CategoryGenerator(),
            "reviews" => new ReviewGenerator(options, rows),
            "orders" => new OrderGenerator(options, rows),
            _ => throw new ArgumentException($"no demo generator for '{schema.Name}'"),
        };
    }

    /// <summary>Generated canonical records, streamed (for feeding a pipeline directly, e.g. a demo start-up).</summary>
    public static IEnumerable<CanonicalRecord> Records(string dataset, long rows, DemoOptions? options = null)
    {
        var generator = Create(dataset, rows, options);
        var count = generator.MaxRows is { } max ? Math.Min(max, rows) : rows;
        for (long i = 0; i < count; i++)
        {
            var values = new object?[generator.Schema.Columns.Count];
            generator.Next(values);
            yield return new CanonicalRecord(generator.Schema, values);
        }
    }
}
