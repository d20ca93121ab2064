using Emporium.Lake;

namespace Emporium.Cli.Hosting;

/// <summary>A request that failed because a backend is down (S3 unreachable, PostgreSQL restarting or refusing this
/// client) is the server's state, not the request's: answered 503 with Retry-After, naming the backend and the reason,
/// instead of a 500 "internal error" carrying the client library's message.</summary>
public static class BackendOutage
{
    public static (string Title, string Detail)? Describe(Exception? error, Backends backends)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is LakeUnavailableException lake)
            {
                return ("lake unavailable", lake.Message);
            }
        }
        if (error is not null && backends.Warehouse?.DescribeOutage(error) is { } why)
        {
            return ("warehouse unavailable", why);
        }
        return null;
    }
}
