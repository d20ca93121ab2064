namespace Emporium.Configuration;

/// <summary>API keys accepted by the HTTP API. With no keys the server serves loopback only and needs no key;
/// with keys every request except <c>/health</c> needs one with the right scope. A running server takes changed keys
/// from <c>emporium.json</c> without a restart.</summary>
public sealed record AuthOptions
{
    /// <summary>Configured keys (hashed). Default: none.</summary>
    public IReadOnlyList<ApiKeyEntry> Keys { get; init; } = [];

    /// <summary>How often a running server looks for changed keys in <c>emporium.json</c> (added or removed with
    /// <c>emporium keys</c>, or edited). Zero turns reloading off. Default: 2 seconds.</summary>
    [SettingRange("00:00:00")]
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>One API key. Only the SHA-256 of the key is stored, as lower-case hex, so the configuration file is no
/// secret. <see cref="Scopes"/> are any of <c>ingest</c>, <c>read</c>, <c>admin</c> (admin implies the others).</summary>
public sealed record ApiKeyEntry
{
    public string Name { get; init; } = "";

    public string Hash { get; init; } = "";

    public IReadOnlyList<string> Scopes { get; init; } = [];
}
