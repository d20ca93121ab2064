namespace Emporium.Orchestration;

/// <summary>A DAG file. Every non-abstract implementation in a loaded assembly (or a plugin assembly in
/// <c>&lt;data&gt;/dags/</c>) is discovered by <see cref="DagRegistry"/>, so adding a DAG never touches the engine.
/// Implementations may take constructor dependencies from the host's service provider.</summary>
public interface IDagDefinition
{
    Dag Build();
}
