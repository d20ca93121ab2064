namespace Emporium.Cli.Hosting;

/// <summary>A data dir's settings that cannot be read: emporium.json is not JSON, or a value is not of its setting's
/// type. Every command that reads the settings exits with this message instead of a stack trace.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
