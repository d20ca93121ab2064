using Emporium.Datasets;

namespace Emporium.Demo;

/// <summary>The built-in category list, in id order.</summary>
public sealed class CategoryGenerator : IDemoGenerator
{
    private int _index;

    public DatasetSchema Schema => DatasetCatalog.Categories;

    public long? MaxRows => CategoryNames.All.Count;

    public void Next(object?[] values)
    {
        if (_index >= CategoryNames.All.Count)
        {
            throw new InvalidOperationException($"the demo has {CategoryNames.All.Count} categories");
        }
        var (id, name, _) = CategoryNames.All[_index++];
        values[0] = id;
        values[1] = name;
    }
}
