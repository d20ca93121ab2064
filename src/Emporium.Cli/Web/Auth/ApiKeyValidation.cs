using Emporium.Configuration;

namespace Emporium.Cli.Web.Auth;

/// <summary>What makes a configured key unusable, checked at start-up and on every reload of the keys.</summary>
public static class ApiKeyValidation
{
    /// <summary>Why the keys cannot be used, or null.</summary>
    public static string? Problem(AuthOptions auth)
    {
        foreach (var key in auth.Keys)
        {
            if (key.Hash.Length != 64 || !key.Hash.All(Uri.IsHexDigit))
            {
                return $"API key '{key.Name}': Hash must be the 64-character hex SHA-256 of the key";
            }
            if (key.Scopes.Count == 0 || key.Scopes.Any(s => !Scopes.All.Contains(s, StringComparer.OrdinalIgnoreCase)))
            {
                return $"API key '{key.Name}': scopes must be some of {string.Join(", ", Scopes.All)}";
            }
        }
        return null;
    }
}
