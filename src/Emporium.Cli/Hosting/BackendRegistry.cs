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
    public static ValueTask<TBackend> CreateAsync<TBackend>(BackendAddress address, EmporiumOptions options, CancellationToken ct) where TBackend : class =>
        Require<TBackend>(address).CreateAsync(address, options, ct);

    /// <summary>Throws <see cref="BackendUnavailableException"/> for a configured address of <paramref name="kinds"/>
    /// that no factory serves: called before a command creates anything (the data dir, its lock), so a mistyped
    /// scheme leaves nothing behind. Unset addresses are the built-in defaults.</summary>
    public static void EnsureServed(EmporiumOptions options, params BackendKind[] kinds)
    {
        foreach (var kind in kinds)
        {
            _ = kind switch
            {
                BackendKind.Log when !string.IsNullOrWhiteSpace(options.Log) => Require<Emporium.Log.IEventLog>(BackendAddresses.ForLog(options)),
                BackendKind.Lake when !string.IsNullOrWhiteSpace(options.Lake) => Require<Emporium.Lake.ILakeStore>(BackendAddresses.ForLake(options)),
                BackendKind.Warehouse when !string.IsNullOrWhiteSpace(options.Warehouse) => Require<Emporium.Warehouse.IWarehouse>(BackendAddresses.ForWarehouse(options)),
                _ => (object?)null,
            };
        }
    }

    private static IBackendFactory<TBackend> Require<TBackend>(BackendAddress address) where TBackend : class
    {
        if (Find<TBackend>(address) is { } factory)
        {
            return factory;
        }
        var known = SchemesFor<TBackend>();
        throw new BackendUnavailableException(address,
            $"{address.Kind.ToString().ToLowerInvariant()} backend '{address.Scheme}' not available" +
            (known.Count == 0 ? " (none is built in yet)" : $" (available: {string.Join(", ", known)})"));
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
