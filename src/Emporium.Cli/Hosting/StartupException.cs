namespace Emporium.Cli.Hosting;

/// <summary>The server cannot start for a reason the user can fix; the message is printed as is and the process
/// exits with code 2.</summary>
public sealed class StartupException(string message) : Exception(message);
