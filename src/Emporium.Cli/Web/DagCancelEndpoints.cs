using Emporium.Cli.Hosting;
using Emporium.Cli.Web.Auth;
using Emporium.Orchestration;

namespace Emporium.Cli.Web;

/// <summary>Cancelling DAG runs (<see cref="DagEngine.Cancel"/>): one run, or every active run of a DAG (a backfill
/// queued by mistake). Needs the <c>admin</c> scope, and the active scheduler (see <see cref="DagEndpoints"/>).</summary>
public sealed class DagCancelEndpoints : IEndpointModule
{
    public ProcessRoles Roles => ProcessRoles.Scheduler;

    public void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/dags");
        group.MapPost("/{name}/runs/{date}/cancel", (string name, string date, DagEngine engine) =>
            {
                if (DagEndpoints.Find(name, date, engine, out var dag, out var run, unloaded: true) is { } missing)
                {
                    return missing;
                }
                try
                {
                    return Results.Json(DagViews.Run(engine.Cancel(name, run!.LogicalDate), dag, engine.Store, engine: engine), ApiErrors.Json);
                }
                catch (RunConflictException e)
                {
                    return ApiErrors.Problem(409, "run not active", e.Message, [ApiErrors.Field("date", "the run has ended")]);
                }
            })
            .RequireScope(Scopes.Admin).AddEndpointFilter(DagEndpoints.ActiveSchedulerOnly).WithName("CancelDagRun")
            .WithSummary("Cancel an active run: its running tries are stopped and every task not ended fails as cancelled");

        group.MapPost("/{name}/cancel", (string name, DagEngine engine) =>
            {
                if (!engine.Registry.TryGet(name, out _) && !engine.Store.HasRuns(name))
                {
                    return DagEndpoints.UnknownDag(name, engine);
                }
                var cancelled = engine.CancelActive(name);
                return Results.Json(new { dag = name, cancelled = cancelled.Select(r => r.Key.DateText) }, ApiErrors.Json);
            })
            .RequireScope(Scopes.Admin).AddEndpointFilter(DagEndpoints.ActiveSchedulerOnly).WithName("CancelDagRuns")
            .WithSummary("Cancel every active (queued or running) run of a DAG");
    }
}
