namespace Emporium.Orchestration;

/// <summary>Where task outputs of a run live (the engine's metadata store; an in-memory one in unit tests of tasks).</summary>
public interface IXComStore
{
    void Push(RunKey run, string task, string key, string json);

    bool TryPull(RunKey run, string task, string key, out string json);
}
