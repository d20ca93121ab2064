using System.CommandLine;
using Emporium.Cli.Commands;

// A plain command named after the ./emporium launcher: a RootCommand takes its name from the entry assembly, so help
// would print "Emporium.Cli" as the usage.
var root = new Command("emporium", "Emporium: stream and batch e-commerce data into a Parquet lake and a SQL warehouse, with marts, alerts and a dashboard")
{
    CliHelp.Option(),
    new VersionOption(),
};
foreach (var type in typeof(ICliCommand).Assembly.GetTypes()
             .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliCommand).IsAssignableFrom(t))
             .OrderBy(t => t.Name, StringComparer.Ordinal))
{
    root.Subcommands.Add(((ICliCommand)Activator.CreateInstance(type)!).Build());
}
// Whatever a killed emporium process (a send, a crawl, an upload) left in the shared temp folder; the data dir's own
// scratch is cleared by whoever opens the data dir.
Emporium.Lake.ScratchFolder.ClearOrphans(Path.GetTempPath());
try
{
    var parse = root.Parse(args);
    if (parse.Action is System.CommandLine.Invocation.ParseErrorAction)
    {
        return await CliUsageErrors.ReportAsync(parse);
    }
    // The default handler would print a configuration mistake as an unhandled exception's stack trace.
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Emporium.Cli.Hosting.ConfigurationException e)
{
    await Console.Error.WriteLineAsync($"emporium: cannot read the settings: {e.Message}");
    return 2;
}
catch (Emporium.Configuration.BackendConfigurationException e)
{
    // A configured log, lake or warehouse that a command cannot use (unreachable, locked, misaddressed): the setting
    // and the reason, as `up` prints it, from whichever command met it.
    await Console.Error.WriteLineAsync($"{CommandName(args)}: {e.Message}");
    return 2;
}
catch (Exception e) when (Emporium.Cli.Commands.DiskFullReport.Line(CommandName(args), e) is { } line)
{
    await Console.Error.WriteLineAsync(line);
    return 1;
}
catch (Exception e) when (Emporium.Cli.Commands.OutOfMemoryReport.Line(CommandName(args), e) is { } line)
{
    await Console.Error.WriteLineAsync(line);
    return 1;
}
catch (Exception e) when (Emporium.Cli.Commands.BackendOutageReport.Line(CommandName(args), e) is { } line)
{
    await Console.Error.WriteLineAsync(line);
    return 1;
}
catch (OperationCanceledException)
{
    // Ctrl+C: the command was told to stop, as the default handler treats it.
    return 1;
}
catch (Exception e)
{
    await Console.Error.WriteLineAsync($"Unhandled exception: {e}");
    return 1;
}

static string CommandName(string[] args) => args is [var command, ..] && !command.StartsWith('-') ? $"emporium {command}" : "emporium";
