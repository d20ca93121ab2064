using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Emporium.Configuration;
using Emporium.Lake;
using Emporium.Warehouse.Postgres;
using Npgsql;

namespace Emporium.Sources.Postgres;

/// <summary>Extracts the rows of one run date from PostgreSQL with <c>COPY (…) TO STDOUT (FORMAT CSV, HEADER)</c>
/// and lands them as <c>stage/&lt;name&gt;/ds=YYYY-MM-DD/&lt;name&gt;.csv</c>. COPY streams rows at the server's
/// speed without materialising them client-side; the CSV is spooled to a temp file so the lake write stays atomic.</summary>
public sealed partial class PostgresExtractor(ILakeStore lake)
{
    public async Task<PostgresExtract> ExtractAsync(PostgresSourceOptions options, DateOnly ds, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("PostgreSQL source: ConnectionString is required (EMPORIUM__SOURCES__POSTGRES__CONNECTIONSTRING)", nameof(options));
        }
        var connectionString = ConnectionStringOf(options.ConnectionString);
        var select = BuildSelect(options, ds);
        var temp = Lake.ScratchFolder.NewPath(null, "pg-extract", ".csv");
        try
        {
            long records = 0;
            var inQuotes = false;
            await using (var conn = new NpgsqlConnection(connectionString))
            {
                await conn.OpenAsync(ct);
                // Days are UTC days in Emporium (timestamps are stored in UTC; the orders source cuts them so). A
                // timestamptz column cast to date follows the session's time zone, which is the server's unless set:
                // on a New York server a line at 02:00 UTC would land on the day before.
                await using (var utc = new NpgsqlCommand("SET TIME ZONE 'UTC'", conn))
                {
                    await utc.ExecuteNonQueryAsync(ct);
                }
                using var reader = await conn.BeginTextExportAsync($"COPY ({select}) TO STDOUT WITH (FORMAT CSV, HEADER)", ct);
                await using var file = new StreamWriter(temp, false, new UTF8Encoding(false));
                var buffer = new char[64 * 1024];
                int read;
                while ((read = await reader.ReadAsync(buffer.AsMemory(), ct)) > 0)
                {
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    // A record ends at a newline outside quotes (descriptions may hold quoted newlines).
                    foreach (var c in buffer.AsSpan(0, read))
                    {
                        if (c == '"')
                        {
                            inQuotes = !inQuotes;
                        }
                        else if (c == '\n' && !inQuotes)
                        {
                            records++;
                        }
                    }
                }
            }
            var rows = Math.Max(0, records - 1);
            var path = await StageZone.ReplaceDayAsync(lake, options.StageName, ds, $"{options.StageName}.csv", temp, ct);
            return new PostgresExtract(path, rows);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The Npgsql connection string of <paramref name="connection"/>: one already, or a
    /// <c>postgres://user:pass@host:port/database</c> address as the warehouse takes it. One that is neither is refused
    /// without its text: Npgsql names an unknown keyword by all that comes before its '=', which for an address given
    /// as a connection string is the user and the password.</summary>
    internal static string ConnectionStringOf(string connection)
    {
        if (connection.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || connection.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return PostgresAddress.ToConnectionString(connection);
            }
            catch (FormatException e)
            {
                // Its message names the address with the password masked.
                throw new ArgumentException($"PostgreSQL source: {e.Message}");
            }
        }
        const string Shape = "Host=…;Port=…;Username=…;Password=…;Database=… or postgres://user:pass@host:port/database";
        var parsed = new System.Data.Common.DbConnectionStringBuilder();
        try
        {
            parsed.ConnectionString = connection;
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"PostgreSQL source: the connection string is not an Npgsql connection string ({Shape})");
        }
        var npgsql = new NpgsqlConnectionStringBuilder();
        foreach (string key in parsed.Keys)
        {
            // libpq's "host=db user=app password=…" reads as one keyword whose value holds the others: Npgsql took
            // the rest for a host name and named it, password and all, in the connection error.
            if (Convert.ToString(parsed[key], CultureInfo.InvariantCulture) is { } text && EmbeddedPair().IsMatch(text))
            {
                throw new ArgumentException($"PostgreSQL source: the connection string is not an Npgsql connection string ({Shape}): libpq's space-separated keyword=value form is not taken");
            }
            if (!npgsql.ContainsKey(key))
            {
                throw new ArgumentException(PlainKeyword().IsMatch(key)
                    ? $"PostgreSQL source: unknown keyword '{key}' in the connection string ({Shape})"
                    : $"PostgreSQL source: the connection string is not an Npgsql connection string ({Shape})");
            }
            try
            {
                npgsql[key] = parsed[key];
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw new ArgumentException($"PostgreSQL source: keyword '{key}' of the connection string has a value Npgsql does not accept"
                    + (SecretMask.IsSecretKey(key) ? "" : $" ('{parsed[key]}')"));
            }
        }
        return npgsql.ConnectionString;
    }

    [GeneratedRegex(@"\s[A-Za-z_][\w.]*\s*=")]
    private static partial Regex EmbeddedPair();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9 _]*$")]
    private static partial Regex PlainKeyword();

    /// <summary>The SELECT whose rows belong to <paramref name="ds"/>.</summary>
    public static string BuildSelect(PostgresSourceOptions options, DateOnly ds)
    {
        var literal = $"DATE '{ds.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'";
        if (!string.IsNullOrWhiteSpace(options.Query))
        {
            return options.Query.Replace("{ds}", literal, StringComparison.Ordinal).TrimEnd().TrimEnd(';');
        }
        return $"SELECT * FROM {QuoteQualified(options.Table)} WHERE CAST({QuoteQualified(options.DateColumn)} AS date) = {literal}";
    }

    private static string QuoteQualified(string name)
    {
        if (!Identifier().IsMatch(name))
        {
            throw new ArgumentException($"PostgreSQL source: '{name}' is not a plain [schema.]name identifier");
        }
        return string.Join('.', name.Split('.').Select(part => $"\"{part}\""));
    }

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")]
    private static partial Regex Identifier();
}
