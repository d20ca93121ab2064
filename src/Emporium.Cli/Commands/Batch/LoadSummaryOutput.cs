using Emporium.Batch.Loading;
using Spectre.Console;

namespace Emporium.Cli.Commands.Batch;

/// <summary>The console side of a load: a progress bar (bytes, rows/s, ETA) while it runs, a summary table after.</summary>
public static class LoadSummaryOutput
{
    public static async Task<LoadSummary> WithProgressAsync(LoadSpec.Resolved resolved, BatchLoader loader, CancellationToken ct)
    {
        var progress = new LoadProgress();
        var load = loader.LoadAsync(resolved, progress, ct);
        if (Console.IsErrorRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            Console.Error.WriteLine($"loading {resolved.Files.Count} file(s) into {resolved.Request.Dataset.Name}");
            return await load;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("loading", maxValue: Math.Max(1, progress.TotalBytes));
                var started = DateTime.UtcNow;
                while (!load.IsCompleted)
                {
                    await Task.WhenAny(load, Task.Delay(250, ct));
                    var seconds = Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                    task.Value = Math.Min(progress.Bytes, task.MaxValue);
                    task.Description = Markup.Escape($"{progress.CurrentFile} {progress.Rows:N0} rows ({progress.Rows / seconds:N0}/s), {progress.Rejected:N0} rejected");
                }
                task.Value = task.MaxValue;
                return await load;
            });
    }

    /// <summary>How each file is named in the summary: its file name, or, when two loaded files share one (Spark's
    /// <c>part-00000.csv</c> in every partition folder), its path below the folder they have in common, so each row and
    /// each reject line says which file it is.</summary>
    internal static IReadOnlyList<string> DisplayNames(IReadOnlyList<string> paths)
    {
        var names = paths.Select(Path.GetFileName).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() == names.Count)
        {
            return names!;
        }
        var common = Path.GetDirectoryName(paths[0]) ?? "";
        while (common.Length > 0 && !paths.All(p => p.StartsWith(common + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            common = Path.GetDirectoryName(common) ?? "";
        }
        return paths.Select(p => common.Length > 0 ? Path.GetRelativePath(common, p) : p).ToList();
    }

    /// <summary>The totals under the table. Rows whose key a later row of their file repeats are named when there are
    /// any, so that read = loaded + those + rejected adds up for a keyed dataset too.</summary>
    internal static string Caption(LoadSummary summary) =>
        $"{summary.Files.Count} file(s), {summary.RowsRead:N0} rows read, {summary.RowsLoaded:N0} loaded, " +
        (summary.RowsDuplicateKey > 0 ? $"{summary.RowsDuplicateKey:N0} dup. key, " : "") +
        $"{summary.RowsRejected:N0} rejected";

    public static void Write(LoadSummary summary)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"load into {summary.Dataset}"));
        table.AddColumn("file");
        table.AddColumn("status");
        table.AddColumn("format");
        table.AddColumn(new TableColumn("rows read").RightAligned());
        table.AddColumn(new TableColumn("loaded").RightAligned());
        // Only a keyed dataset can have them; an appended one keeps the table as it was.
        var duplicates = summary.RowsDuplicateKey > 0;
        if (duplicates)
        {
            table.AddColumn(new TableColumn("dup. key").RightAligned());
        }
        table.AddColumn(new TableColumn("rejected").RightAligned());
        var names = DisplayNames(summary.Files.Select(f => f.Path).ToList());
        foreach (var (file, name) in summary.Files.Zip(names))
        {
            string[] cells =
            [
                Markup.Escape(name),
                file.Status switch
                {
                    FileLoadStatus.Loaded => "[green]loaded[/]",
                    FileLoadStatus.Skipped => "[grey]skipped[/]",
                    FileLoadStatus.Rejected => "[yellow]rejected[/]",
                    _ => "[red]failed[/]",
                },
                file.Format?.ToString().ToLowerInvariant() ?? "-",
                file.RowsRead.ToString("N0"),
                file.RowsLoaded.ToString("N0"),
                .. duplicates ? [file.RowsDuplicateKey.ToString("N0")] : Array.Empty<string>(),
                file.RowsRejected.ToString("N0"),
            ];
            table.AddRow(cells);
        }
        table.Caption(Markup.Escape(Caption(summary)));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        console.Write(table);
        // Paths and reasons go below the table, unwrapped, so they can be copied.
        foreach (var (file, name) in summary.Files.Zip(names))
        {
            if (file.Error is not null)
            {
                Console.Out.WriteLine($"{name}: {file.Status.ToString().ToLowerInvariant()}: {file.Error}");
            }
            foreach (var q in file.Quarantine)
            {
                Console.Out.WriteLine($"{name}: rejects in lake:{q}");
            }
            foreach (var w in file.Warnings)
            {
                Console.Out.WriteLine($"{name}: {w}");
            }
        }
    }
}
