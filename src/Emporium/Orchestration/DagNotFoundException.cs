namespace Emporium.Orchestration;

public sealed class DagNotFoundException(string name, IEnumerable<string> known)
    : KeyNotFoundException($"no DAG named '{name}' (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})")
{
    public string Name { get; } = name;
}
