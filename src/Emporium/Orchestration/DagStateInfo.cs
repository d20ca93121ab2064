namespace Emporium.Orchestration;

/// <summary>A DAG's own switch, as persisted in the metadata store (Airflow's <c>is_paused</c>).</summary>
/// <param name="Paused">While true the scheduler creates no runs from the DAG's schedule and starts none it queued
/// earlier; runs triggered, backfilled or cleared by hand still execute.</param>
/// <param name="ChangedAt">When it was last set (first seen, paused or unpaused).</param>
public sealed record DagStateInfo(string Dag, bool Paused, DateTime ChangedAt);
