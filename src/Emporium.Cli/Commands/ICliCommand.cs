using System.CommandLine;

namespace Emporium.Cli.Commands;

/// <summary>A top-level CLI command. Implementations are discovered by reflection, so adding a command never
/// means editing Program.cs.</summary>
public interface ICliCommand
{
    Command Build();
}
