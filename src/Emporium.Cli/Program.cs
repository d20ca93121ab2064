using System.CommandLine;
using Emporium.Cli.Commands;

var root = new RootCommand("Emporium: stream and batch e-commerce data into a Parquet lake and a SQL warehouse, with marts, alerts and a dashboard.");
foreach (var type in typeof(ICliCommand).Assembly.GetTypes()
             .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliCommand).IsAssignableFrom(t))
             .OrderBy(t => t.Name, StringComparer.Ordinal))
{
    root.Subcommands.Add(((ICliCommand)Activator.CreateInstance(type)!).Build());
}
// Whatever a killed emporium process (a send, a crawl, an upload) left in the shared temp folder; the data dir's own
// scratch is cleared by whoever opens the data dir.
Emporium.Lake.ScratchFolder.ClearOrphans(Path.GetTempPath());
return await root.Parse(args).InvokeAsync();
