namespace Emporium.Marts;

/// <summary>A mart name that does not exist; the message lists the known ones.</summary>
public sealed class UnknownMartException(string name)
    : Exception($"unknown mart '{name}'; known marts: {string.Join(", ", MartCatalog.All.Select(m => m.Name))}")
{
    public string Name { get; } = name;
}

/// <summary>A mart of the catalog whose view or table does not exist yet: the tables it reads are written by DAG runs
/// that have not run.</summary>
public sealed class MartNotAvailableException(MartDefinition mart) : Exception(mart.NotAvailableYet)
{
    public MartDefinition Mart { get; } = mart;
}
