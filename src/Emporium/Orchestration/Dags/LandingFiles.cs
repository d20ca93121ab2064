using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration.Dags;

/// <summary>Loads the files of a folder (or one file) into a dataset with the shared batch loader. Files loaded before
/// are recognised by content hash and skipped, so a daily run picks up only new files and a re-run changes nothing.</summary>
internal static class LandingFiles
{
    public static async Task<LoadSummary> LoadAsync(TaskContext ctx, string path, DatasetSchema dataset)
    {
        var full = DagServices.ResolvePath(ctx, path);
        var files = File.Exists(full)
            ? [full]
            : Directory.Exists(full)
                ? Directory.EnumerateFiles(full, "*", SearchOption.TopDirectoryOnly)
                    .Where(f => !Path.GetFileName(f).StartsWith('.')) // in-progress uploads and temp files
                    .Order(StringComparer.Ordinal).ToList()
                : [];
        if (files.Count == 0)
        {
            ctx.Log.LogInformation("no files in {Path}", full);
            return new LoadSummary(dataset.Name, []);
        }
        // Idempotent; makes the table (and the loader's offsets) exist when this process has not loaded the dataset yet.
        await DagServices.Warehouse(ctx).InitializeAsync([dataset], ctx.CancellationToken);
        using var parquet = new ParquetWriter();
        var summary = await DagServices.Loader(ctx, parquet).LoadAsync(files, new BatchLoadRequest(dataset), null, ctx.CancellationToken);
        foreach (var file in summary.Files)
        {
            ctx.Log.LogInformation("{File}: {Status}, {Loaded} row(s) loaded, {Rejected} rejected{Error}",
                Path.GetFileName(file.Path), file.Status, file.RowsLoaded, file.RowsRejected, file.Error is null ? "" : $" ({file.Error})");
        }
        if (summary.Files.Any(f => f.Status == FileLoadStatus.Failed))
        {
            throw new InvalidOperationException($"{summary.Files.Count(f => f.Status == FileLoadStatus.Failed)} file(s) could not be loaded into {dataset.Name}; see the task log");
        }
        return summary;
    }
}
