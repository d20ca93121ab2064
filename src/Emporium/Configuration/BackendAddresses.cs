namespace Emporium.Configuration;

/// <summary>Turns the <c>Log</c>, <c>Lake</c> and <c>Warehouse</c> settings into addresses. Unset means the
/// embedded default under the data dir; a plain path means a local backend; otherwise the URI scheme decides.</summary>
public static class BackendAddresses
{
    public static BackendAddress ForLog(EmporiumOptions options) =>
        Parse(BackendKind.Log, options.Log, "embedded", Path.Combine(FullDataDir(options), "log"));

    public static BackendAddress ForLake(EmporiumOptions options) =>
        Parse(BackendKind.Lake, options.Lake, "file", Path.Combine(FullDataDir(options), "lake"));

    public static BackendAddress ForWarehouse(EmporiumOptions options) =>
        Parse(BackendKind.Warehouse, options.Warehouse, "duckdb", Path.Combine(FullDataDir(options), "warehouse.duckdb"));

    public static string FullDataDir(EmporiumOptions options) => Path.GetFullPath(options.DataDir);

    public static BackendAddress Parse(BackendKind kind, string? value, string defaultScheme, string defaultPath)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new BackendAddress(kind, defaultScheme, $"{defaultScheme}:{defaultPath}", defaultPath);
        }
        value = value.Trim();
        var colon = value.IndexOf(':');
        // "C:" style drive letters and plain paths are local; "scheme:" or "scheme://" picks a backend.
        if (colon > 1 && value[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
        {
            var scheme = value[..colon].ToLowerInvariant();
            var rest = value[(colon + 1)..];
            string? path = null;
            if (scheme == defaultScheme || scheme == "file")
            {
                var local = rest.StartsWith("//", StringComparison.Ordinal) ? rest[2..] : rest;
                path = string.IsNullOrEmpty(local) ? defaultPath : Path.GetFullPath(local);
            }
            return new BackendAddress(kind, scheme == "file" ? defaultScheme : scheme, value, path);
        }
        return new BackendAddress(kind, defaultScheme, value, Path.GetFullPath(value));
    }
}
