using System.CommandLine;
using System.Diagnostics;
using Emporium.Demo;
using Spectre.Console;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium generate DATASET --rows N --out FILE [--seed S]</c>: realistic demo data, CSV or NDJSON by the
/// file's extension, streamed (constant memory), with a progress bar for large runs.</summary>
public sealed class GenerateCommand : ICliCommand
{
    /// <summary>Below this many rows the run is too short for a progress bar to help.</summary>
    private const long ProgressThreshold = 100_000;

    public Command Build()
    {
        var dataset = new Argument<string>("dataset") { Description = $"Dataset to generate: {string.Join(", ", DemoGenerators.Datasets)}." };
        var rows = new Option<long>("--rows") { Description = "Number of rows (categories: at most the built-in list).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Output file: .csv, or .ndjson/.jsonl/.json for one JSON object per line.", Required = true };
        var seed = new Option<long>("--seed") { Description = "Random seed; the same seed gives the same data.", DefaultValueFactory = _ => 42 };
        var days = new Option<int>("--days") { Description = "Days the generated activity spreads over, from 2023-01-01.", DefaultValueFactory = _ => 90 };

        var command = new Command("generate", "Write realistic demo data for a dataset to a CSV or NDJSON file");
        command.Arguments.Add(dataset);
        command.Options.Add(rows);
        command.Options.Add(output);
        command.Options.Add(seed);
        command.Options.Add(days);
        command.SetAction((parseResult, cancellationToken) =>
            Task.FromResult(Run(parseResult.GetValue(dataset)!, parseResult.GetValue(rows), parseResult.GetValue(output)!,
                new DemoOptions(parseResult.GetValue(seed), Days: parseResult.GetValue(days)), cancellationToken)));
        return command;
    }

    private static int Run(string dataset, long rows, FileInfo output, DemoOptions options, CancellationToken cancellationToken)
    {
        if (rows < 0)
        {
            Console.Error.WriteLine($"emporium generate: --rows must be 0 or more, got {rows}");
            return 2;
        }
        if (options.Days < 1)
        {
            Console.Error.WriteLine($"emporium generate: --days must be 1 or more, got {options.Days}");
            return 2;
        }
        IDemoGenerator generator;
        try
        {
            generator = DemoGenerators.Create(dataset, rows, options);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"emporium generate: {e.Message}");
            return 2;
        }
        if (generator.MaxRows is { } max && rows > max)
        {
            Console.Error.WriteLine($"{generator.Schema.Name}: the demo has {max} rows; writing {max}.");
        }
        var stopwatch = Stopwatch.StartNew();
        long written;
        try
        {
            written = rows >= ProgressThreshold && !Console.IsOutputRedirected
                ? WithProgress(generator, rows, output.FullName, cancellationToken)
                : DemoFileWriter.Write(generator, rows, output.FullName, null, cancellationToken);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"emporium generate: {e.Message}");
            return 2;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("emporium generate: cancelled; nothing written");
            return 130;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"emporium generate: cannot write {output.FullName}: {e.Message}");
            return 1;
        }
        catch (UnauthorizedAccessException e)
        {
            Console.Error.WriteLine($"emporium generate: cannot write {output.FullName}: {e.Message}");
            return 1;
        }
        var size = new FileInfo(output.FullName).Length;
        Console.WriteLine($"wrote {written:N0} {generator.Schema.Name} rows to {output.FullName} ({size / 1048576.0:N1} MiB) in {stopwatch.Elapsed.TotalSeconds:N1} s");
        return 0;
    }

    private static long WithProgress(IDemoGenerator generator, long rows, string path, CancellationToken cancellationToken)
    {
        long written = 0;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask($"{generator.Schema.Name} → {Path.GetFileName(path)}", maxValue: rows);
                written = DemoFileWriter.Write(generator, rows, path, n => task.Value = n, cancellationToken);
                task.Value = rows;
            });
        return written;
    }
}
