namespace Emporium.Cli.Hosting;

/// <summary>What the owner of a data dir publishes about itself in <c>server.json</c>, so CLI commands on the same
/// data dir can go through its HTTP API instead of opening the files it holds.</summary>
public sealed record ServerInfo(string Url, int Pid, DateTimeOffset StartedAt, bool AuthEnabled);
