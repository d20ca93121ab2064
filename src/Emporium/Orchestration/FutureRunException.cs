namespace Emporium.Orchestration;

/// <summary>A run asked for a logical date after now: its interval has not started, so there is no data for it yet
/// (Airflow refuses such runs too).</summary>
public sealed class FutureRunException(string message) : ArgumentException(message);
