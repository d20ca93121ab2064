namespace Emporium.Orchestration;

/// <summary>A task's parameter is missing or not of its type. The configuration, not the moment, is wrong, so the task
/// fails at once instead of spending its retries (and their delays) on the same error.</summary>
public sealed class DagParameterException(string message, Exception? inner = null) : InvalidOperationException(message, inner);
