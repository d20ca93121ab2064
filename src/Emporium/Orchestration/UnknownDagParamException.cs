namespace Emporium.Orchestration;

/// <summary>A run was asked for with parameters its DAG does not declare. A misspelt one (<c>max_page</c> for
/// <c>max_pages</c>) would be stored with the run and ignored, and the run would quietly use the default.</summary>
public sealed class UnknownDagParamException(string message, IReadOnlyList<string> unknown) : ArgumentException(message)
{
    public IReadOnlyList<string> Unknown { get; } = unknown;

    /// <summary>Throws when <paramref name="runParams"/> names a parameter <paramref name="dag"/> does not declare.</summary>
    public static void ThrowIfAny(Dag dag, IReadOnlyDictionary<string, string?>? runParams)
    {
        var unknown = (runParams?.Keys ?? []).Where(k => !dag.Params.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
        {
            var takes = dag.Params.Count == 0 ? "it takes none" : $"it takes: {string.Join(", ", dag.Params.Keys.Order(StringComparer.Ordinal))}";
            throw new UnknownDagParamException($"DAG '{dag.Name}' has no parameter {string.Join(", ", unknown.Select(u => $"'{u}'"))}; {takes}", unknown);
        }
    }
}
