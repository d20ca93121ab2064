using System.Collections.Concurrent;
using System.Data.Common;
using Emporium.Diagnostics;
using Emporium.Warehouse;
using Npgsql;

namespace Emporium.Cli.Web;

/// <summary>The answer to a mart read the warehouse fails (a view over data it cannot compute, such as an amount past
/// the exact decimals' range written before the bounds existed; a view an operator broke). The caller's own input, the
/// name and the limit, is checked before the read, so what fails here is the server's: a 500 that names the mart and
/// the warehouse's reason. The dashboard asks again every few seconds, and each failure was an unhandled exception
/// with its stack trace in the log; now each mart's failure is logged once, reminded once a minute while it goes on
/// (<see cref="RecurringFailureLog"/>), and its recovery logged.</summary>
public sealed class MartReadFailures(ILoggerFactory loggers, TimeProvider? time = null)
{
    private readonly ILogger logger = loggers.CreateLogger<MartReadFailures>();
    private readonly ConcurrentDictionary<string, RecurringFailureLog> logs = new(StringComparer.Ordinal);

    /// <summary>True for a failure of the read itself in the engine; not for a warehouse that cannot be reached or is
    /// shutting down, out of memory or out of disk (the server's own handling answers those, as it does for a query:
    /// 503, 507, 503).</summary>
    public static bool IsReadFailure(Exception e) => !OutOfMemory.Is(e) && !DiskFull.Is(e) && e switch
    {
        QueryRejectedException => true,
        PostgresException p => !(p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57", StringComparison.Ordinal) || p.SqlState.StartsWith("53", StringComparison.Ordinal)),
        NpgsqlException => false,
        DbException => true,
        _ => false,
    };

    public IResult Failed(string mart, Exception e)
    {
        logs.GetOrAdd(mart, m => new RecurringFailureLog(logger, $"reading mart '{m}'", time)).Failed(e, "answered 500", LogLevel.Error);
        return ApiErrors.Problem(500, "mart unreadable", Describe(mart, e),
            extra: new Dictionary<string, object?> { ["mart"] = mart });
    }

    public void Succeeded(string mart)
    {
        if (logs.TryGetValue(mart, out var log))
        {
            log.Succeeded();
        }
    }

    /// <summary>What the HTTP answer and <c>emporium marts</c> say of the failure.</summary>
    public static string Describe(string mart, Exception e) => $"the warehouse could not read mart '{mart}': {Reason(e)}";

    /// <summary>The engine's message without the SQL it quotes (DuckDB adds the statement and a caret below).</summary>
    private static string Reason(Exception e) => e switch
    {
        PostgresException p => p.MessageText,
        _ => e.Message.Split('\n', 2)[0].Trim(),
    };
}
