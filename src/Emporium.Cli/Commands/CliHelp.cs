using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Emporium.Cli.Commands;

/// <summary>The <c>--help</c> option of every command.</summary>
internal static class CliHelp
{
    public static HelpOption Option()
    {
        var option = new HelpOption();
        option.Action = new OwnArgumentsHelp((HelpAction)option.Action!);
        return option;
    }

    /// <summary>System.CommandLine puts a parent's arguments in a subcommand's usage and argument list, as if they
    /// came before the subcommand (<c>emporium catalog [&lt;name&gt;] drop &lt;name&gt;</c>, with both names listed). In
    /// this CLI a parent's arguments are the alternative to its subcommands (<c>catalog NAME</c> or <c>catalog drop
    /// NAME</c>), so a subcommand's help shows its own arguments only. Its help layout is not public API, so the
    /// parents' arguments are hidden while the default help is written. So are the optional arguments of the
    /// subcommands it lists: the list writes them as <c>marts &lt;name&gt;</c>, without the brackets of an optional
    /// one, which reads as required; the subcommand's own usage line shows it as <c>[&lt;name&gt;]</c>.</summary>
    private sealed class OwnArgumentsHelp(HelpAction help) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var command = parseResult.CommandResult.Command;
            var hidden = command.Parents.OfType<Command>().SelectMany(c => c.Arguments)
                .Concat(command.Subcommands.SelectMany(c => c.Arguments).Where(a => a.Arity.MinimumNumberOfValues == 0))
                .Where(a => !a.Hidden).ToList();
            hidden.ForEach(a => a.Hidden = true);
            try
            {
                return help.Invoke(parseResult);
            }
            finally
            {
                hidden.ForEach(a => a.Hidden = false);
            }
        }
    }
}
