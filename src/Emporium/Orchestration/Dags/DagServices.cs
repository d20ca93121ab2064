using Emporium.Batch.Loading;
using Emporium.Configuration;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Warehouse;
using Microsoft.Extensions.DependencyInjection;

namespace Emporium.Orchestration.Dags;

/// <summary>The backends a built-in DAG task needs, taken from the host's services when the task runs (so a DAG can
/// be listed by a process that has no warehouse), each with an error that says what is missing.</summary>
internal static class DagServices
{
    public static IWarehouse Warehouse(TaskContext ctx) => Require<IWarehouse>(ctx, "warehouse");

    public static ILakeStore Lake(TaskContext ctx) => Require<ILakeStore>(ctx, "lake");

    public static TimeProvider Time(TaskContext ctx) => ctx.Services.GetService<TimeProvider>() ?? ctx.Time;

    /// <summary>The data dir (relative DAG paths such as <c>landing/reviews</c> are under it).</summary>
    public static string DataDir(TaskContext ctx) => Path.GetFullPath(ctx.Services.GetService<EmporiumOptions>()?.DataDir ?? new EmporiumOptions().DataDir);

    public static string ResolvePath(TaskContext ctx, string path) => Path.IsPathRooted(path) ? path : Path.Combine(DataDir(ctx), path);

    /// <summary>The shared batch loader over this process's warehouse and lake (one loader for files, DAGs included).</summary>
    public static BatchLoader Loader(TaskContext ctx, ParquetWriter parquet) =>
        new(Warehouse(ctx), Lake(ctx), parquet, Require<IRecordNormalizer>(ctx, "record normalizer"), Time(ctx),
            (ctx.Services.GetService<EmporiumOptions>()?.Batch ?? new BatchLoaderOptions()) with { Group = $"dag:{ctx.DagName}" });

    private static T Require<T>(TaskContext ctx, string what) where T : class =>
        ctx.Services.GetService<T>()
        ?? throw new InvalidOperationException($"DAG '{ctx.DagName}' task '{ctx.TaskName}' needs the {what}, which this process does not have");
}
