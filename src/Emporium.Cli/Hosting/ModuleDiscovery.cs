using Emporium.Cli.Web;

namespace Emporium.Cli.Hosting;

/// <summary>Finds the service and endpoint modules of the executable by reflection, in a stable order.</summary>
public static class ModuleDiscovery
{
    public static IReadOnlyList<IServiceModule> ServiceModules() => Create<IServiceModule>();

    public static IReadOnlyList<IEndpointModule> EndpointModules() => Create<IEndpointModule>();

    private static List<T> Create<T>() =>
        typeof(ModuleDiscovery).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(T).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (T)Activator.CreateInstance(t)!)
            .ToList();
}
