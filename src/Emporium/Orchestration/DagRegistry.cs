using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace Emporium.Orchestration;

/// <summary>The DAGs this process knows: every <see cref="IDagDefinition"/> in loaded assemblies that reference
/// Emporium, plus plugin assemblies dropped in <c>&lt;data&gt;/dags/*.dll</c>. A definition that fails to build or
/// validate is reported in <see cref="Errors"/> instead of taking the scheduler down.</summary>
public sealed class DagRegistry
{
    private readonly Dictionary<string, Dag> dags = new(StringComparer.Ordinal);
    private readonly List<string> errors = [];
    /// <summary>Errors of definitions whose DAG name is known (it failed validation), by that name: its runs in the
    /// store are shown with it.</summary>
    private readonly Dictionary<string, string> broken = new(StringComparer.Ordinal);

    public DagRegistry(IEnumerable<Dag> definitions)
    {
        foreach (var dag in definitions)
        {
            Add(dag, dag.GetType().Name);
        }
    }

    private DagRegistry()
    {
    }

    public IReadOnlyList<Dag> Dags => dags.Values.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();

    /// <summary>Definitions that could not be loaded, with the reason.</summary>
    public IReadOnlyList<string> Errors => errors;

    /// <summary>Names of DAGs whose definition was found but is invalid (not in <see cref="Dags"/>).</summary>
    public IEnumerable<string> BrokenNames => broken.Keys.Where(name => !dags.ContainsKey(name));

    /// <summary>Why the definition of <paramref name="name"/> was skipped, when it was found and its name is known.</summary>
    public string? ErrorOf(string name) => dags.ContainsKey(name) ? null : broken.GetValueOrDefault(name);

    public static DagRegistry Discover(IServiceProvider? services = null, string? pluginDirectory = null)
    {
        var registry = new DagRegistry();
        if (pluginDirectory is not null && Directory.Exists(pluginDirectory))
        {
            foreach (var dll in Directory.EnumerateFiles(pluginDirectory, "*.dll"))
            {
                try
                {
                    Assembly.LoadFrom(dll);
                }
                catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or IOException)
                {
                    registry.errors.Add($"{Path.GetFileName(dll)}: {ex.Message}");
                }
            }
        }
        var core = typeof(IDagDefinition).Assembly;
        var assemblies = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && (a == core || a.GetReferencedAssemblies().Any(r => r.Name == core.GetName().Name)));
        foreach (var type in assemblies.SelectMany(LoadableTypes)
                     .Where(t => t is { IsClass: true, IsAbstract: false, ContainsGenericParameters: false } && typeof(IDagDefinition).IsAssignableFrom(t))
                     .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            try
            {
                var definition = services is null
                    ? (IDagDefinition)Activator.CreateInstance(type)!
                    : (IDagDefinition)ActivatorUtilities.CreateInstance(services, type);
                registry.Add(definition.Build(), type.FullName!);
            }
            catch (Exception ex)
            {
                if (ex is DagDefinitionException { Dag: var name } invalid)
                {
                    registry.broken.TryAdd(name, invalid.Reason);
                }
                registry.errors.Add($"{type.FullName}: {(ex is TargetInvocationException { InnerException: { } inner } ? inner.Message : ex.Message)}");
            }
        }
        return registry;
    }

    public bool TryGet(string name, out Dag dag) => dags.TryGetValue(name, out dag!);

    public Dag Get(string name) =>
        dags.TryGetValue(name, out var dag)
            ? dag
            : throw new DagNotFoundException(name, dags.Keys);

    private void Add(Dag dag, string source)
    {
        try
        {
            dag.Validate();
        }
        catch (DagDefinitionException ex)
        {
            broken.TryAdd(dag.Name, ex.Reason);
            errors.Add($"{source}: {ex.Message}");
            return;
        }
        if (!dags.TryAdd(dag.Name, dag))
        {
            errors.Add($"{source}: DAG name '{dag.Name}' is defined twice");
        }
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
