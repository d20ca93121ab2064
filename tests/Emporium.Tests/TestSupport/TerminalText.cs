using System.Text.RegularExpressions;

namespace Emporium.Tests.TestSupport;

/// <summary>The lines a console command printed, as a reader of a terminal of <c>width</c> columns sees them: without
/// the colour codes a terminal (or the test runner's environment) may get, and each checked to fit the width.</summary>
public static partial class TerminalText
{
    public static IReadOnlyList<string> Lines(string text, int width = 80)
    {
        var lines = Colour().Replace(text, "").Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= width, $"wider than {width} columns: {l}"));
        return lines;
    }

    [GeneratedRegex(@"\u001b\[[0-9;]*m")]
    private static partial Regex Colour();
}
