using Emporium.Datasets;

namespace Emporium.Cli.Hosting;

/// <summary>Finds the record normalizer in the Emporium library (one implementation serves stream and batch).</summary>
public static class NormalizerDiscovery
{
    public static IRecordNormalizer? Create()
    {
        var type = typeof(IRecordNormalizer).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IRecordNormalizer).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.Name == "RecordNormalizer" ? 0 : 1)
            .FirstOrDefault();
        return type is null ? null : (IRecordNormalizer)Activator.CreateInstance(type)!;
    }
}
