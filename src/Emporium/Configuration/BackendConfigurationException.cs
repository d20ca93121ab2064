namespace Emporium.Configuration;

/// <summary>A backend address that cannot be used (unreachable host, wrong credentials, missing database or bucket).
/// Factories throw it at start-up so the host can print one readable line naming the setting instead of a client's
/// stack trace.</summary>
public sealed class BackendConfigurationException(BackendKind kind, string message, Exception? inner = null)
    : Exception($"{SettingName(kind)}: {message}", inner)
{
    public BackendKind Kind { get; } = kind;

    /// <summary>How the user sets this backend: the CLI option and the setting (top level of emporium.json,
    /// <c>EMPORIUM__LOG</c>…; there is no <c>Emporium</c> section).</summary>
    public static string SettingName(BackendKind kind) => kind switch
    {
        BackendKind.Log => "--log (setting Log)",
        BackendKind.Lake => "--lake (setting Lake)",
        _ => "--warehouse (setting Warehouse)",
    };
}
