namespace Emporium.Marts;

/// <summary>A mart name that does not exist; the message lists the known ones.</summary>
public sealed class UnknownMartException(string name)
    : Exception($"unknown mart '{name}'; known marts: {string.Join(", ", MartCatalog.All.Select(m => m.Name))}")
{
    public string Name { get; } = name;
}
