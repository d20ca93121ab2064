using Emporium.Configuration;

namespace Emporium.Cli.Hosting;

/// <summary>The parts of Emporium one process hosts (<c>emporium up --role …</c>, <c>Role</c>,
/// <c>EMPORIUM__ROLE</c>). A deployment may run each part in its own processes against shared backends.</summary>
[Flags]
public enum ProcessRoles
{
    None = 0,

    /// <summary>HTTP ingest and the read APIs: ingest, seed routes, dead letters, datasets, marts, query, catalog,
    /// loads, alerts and the dashboard.</summary>
    Ingest = 1,

    /// <summary>The stream processor (log → lake + warehouse) and replay.</summary>
    Processor = 2,

    /// <summary>The DAG orchestrator, its API, and the landing-zone watcher.</summary>
    Scheduler = 4,

    All = Ingest | Processor | Scheduler,
}

/// <summary>Reads the role setting: a comma list of <c>all</c>, <c>ingest</c>, <c>processor</c>, <c>scheduler</c>
/// (case-insensitive, blanks ignored); empty means all.</summary>
public static class ProcessRoleSetting
{
    public const string Names = "all, ingest, processor, scheduler";

    /// <summary>The roles of a process, or <see cref="StartupException"/> naming the setting and the bad value.</summary>
    public static ProcessRoles Parse(string? value)
    {
        var roles = ProcessRoles.None;
        foreach (var part in (value ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= part.ToLowerInvariant() switch
            {
                "all" => ProcessRoles.All,
                "ingest" => ProcessRoles.Ingest,
                "processor" => ProcessRoles.Processor,
                "scheduler" => ProcessRoles.Scheduler,
                _ => throw new StartupException($"--role (setting Role): unknown role '{part}' (roles: {Names})"),
            };
        }
        return roles == ProcessRoles.None ? ProcessRoles.All : roles;
    }

    public static ProcessRoles RolesOf(this EmporiumOptions options) => Parse(options.Role);

    /// <summary>Whether this process hosts <paramref name="role"/>.</summary>
    public static bool Runs(this EmporiumOptions options, ProcessRoles role) => (options.RolesOf() & role) != 0;

    /// <summary>"all", or the roles as a comma list in a fixed order ("ingest,processor").</summary>
    public static string Describe(ProcessRoles roles) => roles == ProcessRoles.All
        ? "all"
        : string.Join(',', new[] { ProcessRoles.Ingest, ProcessRoles.Processor, ProcessRoles.Scheduler }
            .Where(r => (roles & r) != 0).Select(r => r.ToString().ToLowerInvariant()));
}
