using System.Data.Common;
using System.Text;

namespace Emporium.Configuration;

/// <summary>Credentials replaced by <c>***</c> in values shown to people (API answers, CLI output, messages): the
/// password of a <c>scheme://user:pass@host</c> address, the value of each query parameter or connection-string
/// keyword that names a credential (<c>password</c>, <c>pwd</c>, <c>*secret*</c>, <c>*token*</c>, <c>ssl.key*</c>,
/// <c>key</c>, <c>*_key</c>, <c>*-key</c>, <c>*apikey</c>, <c>*credential*</c>, <c>*webhook*</c>, JAAS and OAuth
/// settings), and the whole value of a setting whose own name does.</summary>
public static partial class SecretMask
{
    public const string Masked = "***";

    /// <summary>Whether a setting, query parameter or connection-string keyword of this name holds a credential.</summary>
    public static bool IsSecretKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        key = key.Trim().ToLowerInvariant();
        return key.Contains("password", StringComparison.Ordinal) || key.Contains("secret", StringComparison.Ordinal)
            || key.Contains("jaas", StringComparison.Ordinal) || key.Contains("oauthbearer", StringComparison.Ordinal)
            || key.StartsWith("ssl.key", StringComparison.Ordinal) || key.Contains("token", StringComparison.Ordinal)
            || key is "pwd" or "psw" || key.EndsWith("_pwd", StringComparison.Ordinal)
            // API keys: seller_catalog's api_key, a URL's ?key= or ?apikey=, an X-Api-Key header; not api_key_header.
            || key is "key" || key.EndsWith("apikey", StringComparison.Ordinal) || key.EndsWith("_key", StringComparison.Ordinal)
            || key.EndsWith("-key", StringComparison.Ordinal) || key.Contains("credential", StringComparison.Ordinal)
            // A webhook's URL is all it takes to post there (chat webhooks carry their secret in the path).
            || key.Contains("webhook", StringComparison.Ordinal);
    }

    /// <summary>The value of setting <paramref name="key"/> as it may be shown.</summary>
    public static string? Value(string key, string? value) =>
        value is null ? null
        : IsSecretKey(key) && value.Length > 0 ? Masked
        : Text(value);

    /// <summary>Settings as they may be shown (see <see cref="Value"/>).</summary>
    public static IReadOnlyDictionary<string, string?> Values(IReadOnlyDictionary<string, string?> settings) =>
        settings.ToDictionary(kv => kv.Key, kv => Value(kv.Key, kv.Value), StringComparer.OrdinalIgnoreCase);

    /// <summary>A URL whose path or query may be its credential (a webhook's) as its origin only:
    /// <c>https://hooks.example.com/…</c>; text that is no absolute URL is masked whole.</summary>
    public static string Origin(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.IsFile)
        {
            return Masked;
        }
        var origin = $"{uri.Scheme}://{uri.Authority}";
        return uri.PathAndQuery is "/" or "" && uri.Fragment.Length == 0 ? origin + "/" : origin + "/…";
    }

    /// <summary>An address or a connection string with its credentials masked; any other text as it is.</summary>
    public static string Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Contains("://", StringComparison.Ordinal) ? QueryParameters(UriPassword(value))
            : value.Contains('=', StringComparison.Ordinal) ? ConnectionString(value)
            : value;
    }

    /// <summary>A <c>scheme://user:pass@host…</c> address with the password masked.</summary>
    public static string UriPassword(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        // The last '@': a password with an unescaped '@' (or '?', '#', '/') must not show its tail. An '@' in the
        // query string masks the host too, the safe side.
        var at = uri.LastIndexOf('@');
        var start = uri.IndexOf("://", StringComparison.Ordinal);
        if (at < 0 || start < 0 || at < start)
        {
            return uri;
        }
        var colon = uri.IndexOf(':', start + 3);
        return colon > 0 && colon < at ? uri[..(colon + 1)] + Masked + uri[at..] : uri;
    }

    /// <summary>An address with the values of its credential query parameters masked.</summary>
    public static string QueryParameters(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var question = address.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return address;
        }
        var pairs = address[(question + 1)..].Split('&').Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            return eq >= 0 && IsSecretKey(Uri.UnescapeDataString(pair[..eq])) ? pair[..(eq + 1)] + Masked : pair;
        });
        return address[..(question + 1)] + string.Join('&', pairs);
    }

    /// <summary>A <c>Key=value;…</c> connection string with the values of its credential keywords masked. One that
    /// does not parse (an unclosed quote…) is masked whole when it mentions a credential keyword at all, since where
    /// the password ends cannot be known.</summary>
    public static string ConnectionString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = value;
        }
        catch (ArgumentException)
        {
            return value.Split(';', '=').Any(IsSecretKey) ? Masked : value;
        }
        var text = new StringBuilder();
        var masked = false;
        foreach (string key in builder.Keys)
        {
            var shown = Convert.ToString(builder[key], System.Globalization.CultureInfo.InvariantCulture) ?? "";
            var masking = IsSecretKey(key) ? Masked : EmbeddedPairs(shown);
            masked |= masking != shown;
            DbConnectionStringBuilder.AppendKeyValuePair(text, key, masking);
        }
        return masked ? text.ToString() : value;
    }

    /// <summary>A value that holds <c>key=value</c> pairs of its own, with those of credential keys masked: libpq's
    /// <c>host=db user=app password=…</c> (or a missing ';') reads as one keyword whose value is all the rest.</summary>
    private static string EmbeddedPairs(string value) =>
        !value.Contains('=', StringComparison.Ordinal) ? value
        : EmbeddedPair().Replace(value, m => IsSecretKey(m.Groups["key"].Value) ? m.Groups["key"].Value + m.Groups["eq"].Value + Masked : m.Value);

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<key>[A-Za-z_][\w.\-]*)(?<eq>\s*=\s*)(?:'[^']*'?|""[^""]*""?|[^\s,&]+)")]
    private static partial System.Text.RegularExpressions.Regex EmbeddedPair();
}
