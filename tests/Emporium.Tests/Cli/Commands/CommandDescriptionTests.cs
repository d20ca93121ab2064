using System.CommandLine;
using Emporium.Cli.Commands;
using Emporium.Tests.Batch;

namespace Emporium.Tests.Cli.Commands;

/// <summary><c>emporium --help</c> and each command's help list the commands with their descriptions: some ended with
/// a full stop and others did not. The rule: a description is a phrase, with no full stop at its end.</summary>
public sealed class CommandDescriptionTests
{
    [Fact]
    public void Every_command_description_is_a_phrase_without_a_final_full_stop()
    {
        var commands = typeof(ICliCommand).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(ICliCommand).IsAssignableFrom(t))
            .SelectMany(t => All(((ICliCommand)Activator.CreateInstance(t)!).Build(), ""))
            .ToList();
        Assert.True(commands.Count > 20, $"only {commands.Count} commands found");

        var offending = commands
            .Where(c => string.IsNullOrWhiteSpace(c.Description) || c.Description.TrimEnd().EndsWith('.') || c.Description != c.Description.Trim())
            .Select(c => $"{c.Path}: \"{c.Description}\"")
            .ToList();
        Assert.True(offending.Count == 0, "descriptions not following the rule:\n" + string.Join("\n", offending));
    }

    /// <summary>The root's own description (set where the program starts) follows the same rule.</summary>
    [Fact]
    public async Task The_program_description_follows_the_same_rule()
    {
        var (code, text) = await BatchCli.RunAsync("--help");

        Assert.True(code == 0, text);
        var description = text.Split("Description:", 2)[1].Split("Usage:", 2)[0].Trim();
        Assert.StartsWith("Emporium", description, StringComparison.Ordinal);
        Assert.False(description.EndsWith('.'), $"the program description ends with a full stop: \"{description}\"");
    }

    private static IEnumerable<(string Path, string? Description)> All(Command command, string parent)
    {
        var path = $"{parent} {command.Name}".Trim();
        yield return (path, command.Description);
        foreach (var sub in command.Subcommands.SelectMany(s => All(s, path)))
        {
            yield return sub;
        }
    }
}
