using Npgsql;

namespace Emporium.Warehouse.Postgres;

/// <summary>Tells a PostgreSQL server that is down, restarting or refusing this client from an error of the
/// statement itself: the first is the server's state (retry later, HTTP 503), the second the caller's (a 400 or a
/// refused row).</summary>
public static class PostgresOutage
{
    /// <summary>One line of why the server cannot be used now, or null when the error is the statement's own.</summary>
    public static string? Explain(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is PostgresException p)
            {
                return IsServerState(p.SqlState) ? PostgresWarehouseBackendFactory.Explain(p) : null;
            }
            // Only Npgsql's own: a socket error inside another client's failure (S3's "Connection refused") is not the
            // warehouse's.
            if (current is NpgsqlException)
            {
                return PostgresWarehouseBackendFactory.Explain(current);
            }
        }
        return null;
    }

    /// <summary>Class 08 (connection exception), 28 (authorization: a password changed), 3D (the database is gone),
    /// 53 (insufficient resources: too many connections, disk full), 57 (operator intervention: the backend was
    /// terminated, the server is shutting down or starting up), 58 (system error).</summary>
    private static bool IsServerState(string sqlState) =>
        sqlState.Length >= 2 && sqlState[..2] is "08" or "28" or "3D" or "53" or "57" or "58";
}
