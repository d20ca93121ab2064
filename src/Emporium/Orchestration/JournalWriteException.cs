namespace Emporium.Orchestration;

/// <summary>The orchestrator's journal could not take a change (most often a full disk). The journal is left as it was
/// before the write and the change is not applied: the caller may write it again.</summary>
public sealed class JournalWriteException(string path, IOException inner)
    : IOException($"cannot write the orchestrator journal {path}: {inner.Message}", inner)
{
    public string JournalPath { get; } = path;
}
