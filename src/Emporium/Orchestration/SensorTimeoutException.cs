namespace Emporium.Orchestration;

/// <summary>A sensor's condition did not hold within its timeout; the task fails without retry.</summary>
public sealed class SensorTimeoutException(string task, TimeSpan timeout, int pokes)
    : TimeoutException($"sensor '{task}' timed out after {timeout} ({pokes} pokes)");
