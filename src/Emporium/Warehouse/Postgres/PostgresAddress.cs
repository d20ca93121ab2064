using Emporium.Configuration;
using Npgsql;

namespace Emporium.Warehouse.Postgres;

/// <summary>Turns <c>postgres://user:pass@host:port/db?sslmode=require</c> into warehouse options. Query parameters
/// are passed through as Npgsql connection-string keywords (e.g. <c>sslmode</c>, <c>timeout</c>), except
/// <c>load_method=binary_copy|multi_row_insert|single_row_insert</c>, which sets
/// <see cref="PostgresWarehouseOptions.LoadMethod"/>.</summary>
public static class PostgresAddress
{
    private const string LoadMethodParameter = "load_method";

    public static string ToConnectionString(string uri) => ToOptions(uri).ConnectionString;

    public static PostgresWarehouseOptions ToOptions(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("postgres" or "postgresql"))
        {
            throw new FormatException($"'{Redact(uri)}' is not a postgres://user:pass@host:port/database address"
                + (uri.Contains('@', StringComparison.Ordinal) ? " (URL-escape @ : / ? # % in the user name and password: %40 %3A %2F %3F %23 %25)" : ""));
        }
        var database = Uri.UnescapeDataString(parsed.AbsolutePath.Trim('/'));
        if (string.IsNullOrEmpty(parsed.Host) || string.IsNullOrEmpty(database))
        {
            throw new FormatException($"'{Redact(uri)}' needs a host and a database (postgres://user:pass@host:port/database)");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = parsed.Host,
            Port = parsed.IsDefaultPort || parsed.Port <= 0 ? 5432 : parsed.Port,
            Database = database,
            // Fail fast at start-up rather than hang on an unreachable host.
            Timeout = 10,
        };
        if (parsed.UserInfo.Length > 0)
        {
            var colon = parsed.UserInfo.IndexOf(':');
            builder.Username = Uri.UnescapeDataString(colon < 0 ? parsed.UserInfo : parsed.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(parsed.UserInfo[(colon + 1)..]);
            }
        }
        var loadMethod = PostgresLoadMethod.BinaryCopy;
        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "true" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            if (key == LoadMethodParameter)
            {
                loadMethod = ParseLoadMethod(value);
                continue;
            }
            try
            {
                builder[key] = value;
            }
            catch (ArgumentException e)
            {
                var reason = builder.ContainsKey(key)
                    ? $"query parameter '{key}' has a value Npgsql does not accept ({e.GetBaseException().Message.Split('\n', 2)[0].Trim()})"
                    : $"query parameter '{key}' is not an Npgsql connection-string keyword";
                throw new FormatException($"'{Redact(uri)}': {reason} (query parameters are Npgsql keywords such as sslmode or timeout, and {LoadMethodParameter})", e);
            }
        }
        return new PostgresWarehouseOptions { ConnectionString = builder.ConnectionString, LoadMethod = loadMethod };
    }

    private static PostgresLoadMethod ParseLoadMethod(string value) =>
        Enum.TryParse<PostgresLoadMethod>(value.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var method) && Enum.IsDefined(method)
            ? method
            : throw new FormatException($"{LoadMethodParameter}='{value}' is not one of binary_copy, multi_row_insert, single_row_insert");

    /// <summary>The address with its password masked, for messages and <c>Describe</c>.</summary>
    public static string Redact(string uri) => SecretMask.Text(uri);
}
