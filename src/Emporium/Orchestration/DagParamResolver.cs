using Microsoft.Extensions.Configuration;

namespace Emporium.Orchestration;

/// <summary>Effective parameters of a run: the DAG's defaults, overridden by configuration section
/// <c>Dags:&lt;dag&gt;</c> (<c>emporium.json</c> in the data dir, then <c>EMPORIUM__DAGS__&lt;DAG&gt;__&lt;KEY&gt;</c>
/// environment variables), overridden by the run's own params (<c>--param k=v</c> / the HTTP body).</summary>
public sealed class DagParamResolver(IConfiguration? configuration = null)
{
    public static DagParamResolver Empty { get; } = new();

    /// <summary>Configuration as the CLI and host read it: <c>&lt;data&gt;/emporium.json</c> then <c>EMPORIUM__</c> variables.</summary>
    public static DagParamResolver FromDataDir(string dataDir) => new(new ConfigurationBuilder()
        .AddJsonFile(Path.Combine(Path.GetFullPath(dataDir), "emporium.json"), optional: true, reloadOnChange: false)
        .AddEnvironmentVariables("EMPORIUM__")
        .Build());

    public IReadOnlyDictionary<string, string?> Resolve(Dag dag, IReadOnlyDictionary<string, string?>? runParams)
    {
        var result = new Dictionary<string, string?>(dag.Params, StringComparer.OrdinalIgnoreCase);
        if (configuration is not null)
        {
            foreach (var entry in configuration.GetSection($"Dags:{dag.Name}").GetChildren())
            {
                if (entry.Value is not null)
                {
                    result[entry.Key] = entry.Value;
                }
            }
        }
        foreach (var (key, value) in runParams ?? new Dictionary<string, string?>())
        {
            result[key] = value;
        }
        return result;
    }
}
