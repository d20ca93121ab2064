using Emporium.Configuration;
using Emporium.Lake;
using Emporium.Warehouse.Postgres;

namespace Emporium.Cli.Commands;

/// <summary>One line for a command whose backend went down while it worked (a standalone <c>emporium load</c> whose
/// PostgreSQL restarted, whose S3 stopped answering): the setting, the backend and the reason, as start-up words a
/// backend it cannot use. It ended as "Unhandled exception" and the client library's stack trace.</summary>
internal static class BackendOutageReport
{
    /// <param name="command">What prefixes the line, e.g. <c>emporium load</c>.</param>
    public static string? Line(string command, Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is LakeUnavailableException lake)
            {
                return $"{command}: {BackendConfigurationException.SettingName(BackendKind.Lake)}: {lake.Message}";
            }
        }
        return PostgresOutage.Explain(e) is { } reason
            ? $"{command}: {BackendConfigurationException.SettingName(BackendKind.Warehouse)}: PostgreSQL does not answer: {reason}"
            : null;
    }
}
