using System.CommandLine;
using Emporium.Cli.Hosting;

namespace Emporium.Cli.Commands;

/// <summary><c>emporium up</c>: hosts ingest, processing, scheduler and dashboard in this process until Ctrl+C, or only
/// the parts named by <c>--role</c>.</summary>
public sealed class UpCommand : ICliCommand
{
    public Command Build()
    {
        var data = CommonOptions.Data();
        var port = new Option<int?>("--port") { Description = "HTTP port (default 5080; 0 picks a free one)" };
        var bind = new Option<string?>("--bind") { Description = "Address to bind (default 127.0.0.1; one other than loopback, such as 0.0.0.0, needs API keys)" };
        var demo = new Option<bool>("--demo") { Description = "Fill an empty data dir with generated demo data through the normal ingest path" };
        var log = new Option<string?>("--log") { Description = "Log backend URI (default embedded:<data>/log; kafka://host:port)" };
        var lake = new Option<string?>("--lake") { Description = "Lake backend URI (default <data>/lake; a folder or s3://bucket/prefix)" };
        var warehouse = new Option<string?>("--warehouse") { Description = "Warehouse URI (default <data>/warehouse.duckdb; postgres://user:pass@host:port/db)" };
        var role = new Option<string[]>("--role")
        {
            Description = $"Parts to host: {ProcessRoleSetting.Names} (repeat or comma-separate; default all). Anything but all needs shared backends (kafka://, s3://, postgres://)",
        };
        var command = new Command("up", "Run the Emporium server: HTTP ingest and API, stream processor, scheduler, dashboard")
        {
            data, port, bind, demo, log, lake, warehouse, role,
        };
        command.SetAction(async (parse, ct) =>
        {
            var dataDir = EmporiumConfiguration.ResolveDataDir(parse.GetValue(data));
            var flags = new Dictionary<string, string?>
            {
                ["Port"] = parse.GetValue(port)?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Bind"] = parse.GetValue(bind),
                ["Log"] = parse.GetValue(log),
                ["Lake"] = parse.GetValue(lake),
                ["Warehouse"] = parse.GetValue(warehouse),
                ["Role"] = parse.GetValue(role) is { Length: > 0 } roles ? string.Join(',', roles) : null,
                ["Demo"] = parse.GetValue(demo) ? "true" : null,
            };
            var configuration = EmporiumConfiguration.Build(dataDir, flags);
            var options = EmporiumConfiguration.Bind(configuration);
            EmporiumHost host;
            try
            {
                if (parse.GetValue(demo) && !options.Runs(ProcessRoles.Ingest))
                {
                    throw new StartupException("--demo sends its data through ingest: run it with --role all or a role list that includes ingest");
                }
                host = await EmporiumHost.StartAsync(options, configuration, Console.Out, ct);
            }
            catch (StartupException e)
            {
                await Console.Error.WriteLineAsync($"emporium up: {e.Message}");
                return 2;
            }
            catch (Exception e) when (DiskFullReport.Line("emporium up", e) is { } line)
            {
                await Console.Error.WriteLineAsync(line);
                return 1;
            }
            catch (IOException e)
            {
                // Typically the port is taken ("address already in use").
                await Console.Error.WriteLineAsync($"emporium up: {e.Message}");
                return 2;
            }
            string? failure;
            await using (host)
            {
                if (parse.GetValue(demo))
                {
                    await DemoSeeder.SeedIfEmptyAsync(host, Console.Out, ct);
                }
                await host.WaitForShutdownAsync(ct);
                Console.Out.WriteLine("Emporium: stopping (draining requests and the processor)…");
                failure = host.FailureReason;
            }
            if (failure is not null)
            {
                await Console.Error.WriteLineAsync($"emporium up: stopped: {failure}");
                return 1;
            }
            return 0;
        });
        return command;
    }
}
