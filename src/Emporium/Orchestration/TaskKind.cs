namespace Emporium.Orchestration;

public enum TaskKind
{
    /// <summary>Runs an action once per try.</summary>
    Task,

    /// <summary>Pokes a condition until it holds or the sensor times out (a timeout fails the task without retry).</summary>
    Sensor,
}
