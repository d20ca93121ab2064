using Emporium.Orchestration;
using Microsoft.Extensions.Logging;

namespace Emporium.Tests.Orchestration;

/// <summary>A user-added DAG file as far as the engine knows: found by discovery in the host and in CLI processes
/// (copied into <c>&lt;data&gt;/dags/</c>). <c>load</c> can be told to wait for a file, so a test can kill the process
/// in the middle of it; <c>dir</c> is where it records what ran.</summary>
public sealed class ProbeDag : IDagDefinition
{
    public const string Name = "probe_dag";

    public Dag Build() => Dag.Create(Name).Describe("test probe: extract then load").Param("rows", 3).Param("dir", null)
        .Task("extract", ctx =>
        {
            Record(ctx, "extract");
            ctx.Push("rows", ctx.Param("rows", 0));
            return Task.CompletedTask;
        })
        .Task("load", async ctx =>
        {
            Record(ctx, "load");
            if (ctx.Params.GetValueOrDefault("dir") is { Length: > 0 } dir)
            {
                // The process is killed while waiting here; the file lets the next process finish.
                while (!File.Exists(Path.Combine(dir, "release")))
                {
                    await Task.Delay(50, ctx.CancellationToken);
                }
            }
            ctx.Log.LogInformation("loaded {Rows} rows for {Ds}", ctx.Pull<int>("extract", "rows"), ctx.DsString);
        }).DependsOn("extract");

    private static void Record(TaskContext ctx, string task)
    {
        if (ctx.Params.GetValueOrDefault("dir") is { Length: > 0 } dir)
        {
            File.AppendAllText(Path.Combine(dir, task + ".starts"), $"{ctx.DsString} try {ctx.TryNumber}\n");
        }
    }
}
