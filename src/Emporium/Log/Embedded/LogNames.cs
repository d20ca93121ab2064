using System.Text.RegularExpressions;

namespace Emporium.Log.Embedded;

/// <summary>Topic and group names become directory and file names, so they are restricted to a portable set.</summary>
internal static partial class LogNames
{
    public static void Validate(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 200 || !Pattern().IsMatch(name) || name is "." or "..")
        {
            throw new ArgumentException(
                $"Invalid {what} name '{name}': use 1-200 characters from A-Z a-z 0-9 . _ - (it becomes a file name).", what);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex Pattern();
}
