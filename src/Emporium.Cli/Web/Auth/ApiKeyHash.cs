using System.Security.Cryptography;
using System.Text;

namespace Emporium.Cli.Web.Auth;

/// <summary>Keys are stored as the lower-case hex SHA-256 of the key. Keys are 256-bit random values, so a plain
/// hash (no salt or stretching) is enough: there is no dictionary to guess from.</summary>
public static class ApiKeyHash
{
    public const string Prefix = "emp_";

    public static string Of(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new random key, e.g. <c>emp_3q…</c> (43 base64url characters after the prefix).</summary>
    public static string NewKey() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static bool Matches(string storedHash, string presentedHash) =>
        storedHash.Length == presentedHash.Length &&
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(storedHash.ToLowerInvariant()), Encoding.ASCII.GetBytes(presentedHash));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
