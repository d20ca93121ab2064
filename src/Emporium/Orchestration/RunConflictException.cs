namespace Emporium.Orchestration;

/// <summary>The request conflicts with the run's current state (e.g. triggering a day whose run is still active).</summary>
public sealed class RunConflictException(string message) : InvalidOperationException(message);
