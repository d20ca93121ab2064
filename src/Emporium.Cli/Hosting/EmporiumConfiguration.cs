using Emporium.Batch.Loading;
using Emporium.Configuration;
using Emporium.Orchestration;

namespace Emporium.Cli.Hosting;

/// <summary>Builds the configuration of one process: <c>&lt;data&gt;/emporium.json</c>, then <c>EMPORIUM__…</c>
/// environment variables, then command-line flags (last wins). The data dir itself can only come from the flag or
/// the environment, since it decides where emporium.json is.</summary>
public static class EmporiumConfiguration
{
    public const string FileName = "emporium.json";
    public const string EnvironmentPrefix = "EMPORIUM__";
    public const string OrchestratorSection = "Orchestrator";

    /// <summary>The data dir from the flag, else <c>EMPORIUM__DATADIR</c>, else the default; made absolute.</summary>
    public static string ResolveDataDir(string? flag)
    {
        var dir = flag;
        if (string.IsNullOrWhiteSpace(dir))
        {
            dir = Environment.GetEnvironmentVariable(EnvironmentPrefix + "DATADIR");
        }
        if (string.IsNullOrWhiteSpace(dir))
        {
            dir = new EmporiumOptions().DataDir;
        }
        return Path.GetFullPath(dir);
    }

    /// <summary>Configuration for a data dir plus flag overrides (keys as in emporium.json, e.g. "Port").</summary>
    public static IConfigurationRoot Build(string dataDir, IReadOnlyDictionary<string, string?>? flags = null)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(dataDir, FileName), optional: true, reloadOnChange: false)
            .AddEnvironmentVariables(EnvironmentPrefix);
        var overrides = new Dictionary<string, string?>(flags ?? new Dictionary<string, string?>(), StringComparer.OrdinalIgnoreCase)
        {
            ["DataDir"] = dataDir,
        };
        builder.AddInMemoryCollection(overrides.Where(kv => kv.Value is not null));
        try
        {
            return builder.Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            // The JSON provider's own message names the file; the innermost one says where the JSON breaks.
            var innermost = e.GetBaseException();
            throw new ConfigurationException(innermost == e ? e.Message : $"{e.Message} {innermost.Message}");
        }
    }

    private static string SettingsOrigin => $"Settings come from {FileName} in the data dir, {EnvironmentPrefix}… environment variables and the command's flags.";

    /// <summary>The options, every configured value checked (<see cref="SettingValues"/>, the <c>Orchestrator</c> section
    /// too), with file loads' scratch in the data dir (<see cref="BatchScratch"/>) unless configured.</summary>
    public static EmporiumOptions Bind(IConfiguration configuration)
    {
        var options = Get<EmporiumOptions>(configuration);
        // Bound later by the scheduler, after the data dir is opened: a value out of range must stop start-up before.
        SettingValues.Check(typeof(OrchestratorOptions), configuration.GetSection(OrchestratorSection), configuration);
        return options.Batch.TempDirectory is null
            ? options with { Batch = options.Batch with { TempDirectory = BatchScratch.Folder(BackendAddresses.FullDataDir(options)) } }
            : options;
    }

    /// <summary>Binds a section (or the whole configuration) to its options record; a value of the wrong type is a
    /// <see cref="ConfigurationException"/> naming the setting, the value, its source and what it should be.</summary>
    public static T Get<T>(IConfiguration configuration, string? section = null)
        where T : new()
    {
        IConfiguration bound = section is null ? configuration : configuration.GetSection(section);
        SettingValues.Check(typeof(T), bound, configuration);
        try
        {
            return bound.Get<T>(o => o.ErrorOnUnknownConfiguration = false) ?? new T();
        }
        catch (InvalidOperationException e)
        {
            // A value the check above let through yet the binder refuses: its own message still has key and value.
            throw new ConfigurationException($"{e.Message} {SettingsOrigin}");
        }
    }

    /// <summary>Reads the options of a data dir the way a running server would see them.</summary>
    public static EmporiumOptions Load(string dataDir, IReadOnlyDictionary<string, string?>? flags = null) =>
        Bind(Build(dataDir, flags));
}
