using System.CommandLine;
using System.CommandLine.Parsing;

namespace Emporium.Cli.Commands;

/// <summary>Command lines that do not parse (an unknown option, command or value; a missing argument) are usage
/// errors: exit code 2, as a command's own refusal of bad input, with one line per error naming the option and why.
/// System.CommandLine's default would print every error then the whole help, and exit 1, the code of a failed
/// run.</summary>
internal static class CliUsageErrors
{
    private const int ExitCode = 2;

    public static async Task<int> ReportAsync(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var name = string.Join(' ', Path(command));
        // `emporium` or `emporium dag` alone asks what there is to run: its help answers that better than one line.
        if (command.Subcommands.Count > 0 && parse.Tokens.All(t => t.Type == TokenType.Command) && parse.UnmatchedTokens.Count == 0)
        {
            await parse.RootCommandResult.Command.Parse([.. Path(command).Skip(1), "--help"]).InvokeAsync().ConfigureAwait(false);
            return ExitCode;
        }
        // Errors about the command itself (no subcommand given, a word it does not know) share one line, which says
        // what it does take once.
        var commandErrors = parse.Errors.Where(e => e.SymbolResult is CommandResult or null).Select(e => OneLine(e.Message)).Distinct().ToList();
        // "Required command was not provided" beside "Unrecognized command or argument 'lod'" reads as if nothing had
        // been typed; the word it did not know is the error.
        var aboutTyped = commandErrors.Where(m => parse.UnmatchedTokens.Any(t => m.Contains($"'{t}'", StringComparison.Ordinal))).ToList();
        if (aboutTyped.Count > 0)
        {
            commandErrors = aboutTyped;
        }
        foreach (var error in parse.Errors.Where(e => e.SymbolResult is not (CommandResult or null)))
        {
            await Console.Error.WriteLineAsync($"{name}: {Describe(error)}").ConfigureAwait(false);
        }
        if (commandErrors.Count > 0)
        {
            var subcommands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
            var hint = subcommands.Count > 0 ? $"Commands: {string.Join(", ", subcommands)}." : $"See '{name} --help'.";
            await Console.Error.WriteLineAsync($"{name}: {string.Join(' ', commandErrors)} {hint}").ConfigureAwait(false);
        }
        return ExitCode;
    }

    /// <summary>The error, prefixed with its option's (or argument's) name when the message does not say it.</summary>
    private static string Describe(ParseError error)
    {
        var message = OneLine(error.Message);
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        if (NotAnInteger(error, message, option) is { } notAnInteger)
        {
            return notAnInteger;
        }
        if (option is not null)
        {
            return message.Contains(option.Name, StringComparison.Ordinal) ? message : $"{option.Name}: {message}";
        }
        return error.SymbolResult is ArgumentResult argument ? $"<{argument.Argument.Name}>: {message}" : message;
    }

    /// <summary>System.CommandLine names the .NET type a value did not convert to ("as expected type
    /// 'System.Nullable`1[System.Int32]'"), which says nothing to the person typing; say what the option takes, as the
    /// HTTP API does for a query parameter.</summary>
    private static string? NotAnInteger(ParseError error, string message, Option? option)
    {
        const string prefix = "Cannot parse argument '";
        var argument = (error.SymbolResult as ArgumentResult)?.Argument;
        var valueType = option?.ValueType ?? argument?.ValueType;
        if (valueType is null || !message.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }
        var type = Nullable.GetUnderlyingType(valueType) ?? valueType;
        var end = message.IndexOf("' for ", prefix.Length, StringComparison.Ordinal);
        if (end < 0 || (type != typeof(int) && type != typeof(long)))
        {
            return null;
        }
        var name = option?.Name ?? $"<{argument!.Name}>";
        return $"{name}: expected an integer, got '{message[prefix.Length..end]}'";
    }

    /// <summary>Messages such as "Argument 'xml' not recognized. Must be one of:" list the choices one per line.</summary>
    private static string OneLine(string message)
    {
        var lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return lines.Length > 1 ? $"{lines[0]} {string.Join(", ", lines[1..])}" : lines.FirstOrDefault() ?? "invalid command line";
    }

    private static IEnumerable<string> Path(Command command)
    {
        var names = new Stack<string>();
        for (Symbol? symbol = command; symbol is not null; symbol = symbol.Parents.FirstOrDefault())
        {
            names.Push(symbol.Name);
        }
        return names;
    }
}
