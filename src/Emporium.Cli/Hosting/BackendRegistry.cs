using System.Reflection;
using Emporium.Configuration;

namespace Emporium.Cli.Hosting;

/// <summary>Finds every <see cref="IBackendFactory{TBackend}"/> in the Emporium assemblies and picks one by the
/// scheme of a backend address. Adding a backend means adding a factory class; nothing here changes.</summary>
public static class BackendRegistry
{
    private static readonly Lazy<IReadOnlyList<object>> Factories = new(Discover);

    /// <summary>Schemes served for a backend type, e.g. ["embedded"] for IEventLog.</summary>
    public static IReadOnlyList<string> SchemesFor<TBackend>() where TBackend : class =>
        Factories.Value.OfType<IBackendFactory<TBackend>>().SelectMany(f => f.Schemes).Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether the backend serving an address may be shared by several processes; false when no factory
    /// serves it (creating it then fails with its own message).</summary>
    public static bool SharedByProcesses<TBackend>(BackendAddress address) where TBackend : class =>
        Find<TBackend>(address)?.SharedByProcesses ?? false;

    /// <summary>Creates the backend for an address or throws <see cref="BackendUnavailableException"/>.</summary>
    public static ValueTask<TBackend> CreateAsync<TBackend>(BackendAddress address, EmporiumOptions options, CancellationToken ct) where TBackend : class
    {
        var factory = Find<TBackend>(address);
        if (factory is null)
        {
            var known = SchemesFor<TBackend>();
            throw new BackendUnavailableException(address,
                $"{address.Kind.ToString().ToLowerInvariant()} backend '{address.Scheme}' not available" +
                (known.Count == 0 ? " (none is built in yet)" : $" (available: {string.Join(", ", known)})"));
        }
        return factory.CreateAsync(address, options, ct);
    }

    private static IBackendFactory<TBackend>? Find<TBackend>(BackendAddress address) where TBackend : class =>
        Factories.Value.OfType<IBackendFactory<TBackend>>()
            .FirstOrDefault(f => f.Schemes.Contains(address.Scheme, StringComparer.OrdinalIgnoreCase));

    private static IReadOnlyList<object> Discover()
    {
        Assembly[] assemblies = [typeof(IBackendFactory<>).Assembly, typeof(BackendRegistry).Assembly];
        return assemblies.Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null &&
                        t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IBackendFactory<>)))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => Activator.CreateInstance(t)!)
            .ToList();
    }
}

/// <summary>No factory serves the configured scheme, or the factory refused the address.</summary>
public sealed class BackendUnavailableException(BackendAddress address, string message) : Exception(message)
{
    public BackendAddress Address { get; } = address;
}
