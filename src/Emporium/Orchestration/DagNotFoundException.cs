namespace Emporium.Orchestration;

public sealed class DagNotFoundException : KeyNotFoundException
{
    public DagNotFoundException(string name, IEnumerable<string> known)
        : this(name, $"no DAG named '{name}' (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})")
    {
    }

    public DagNotFoundException(string name, string message)
        : base(message)
    {
        Name = name;
    }

    public string Name { get; }
}
