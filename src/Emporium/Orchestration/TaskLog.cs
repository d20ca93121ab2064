using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration;

/// <summary>The logger a task gets: its try's lines in the run's log file (readable while written; see
/// <see cref="OrchestratorStore.LogPath"/>), mirrored to the host's logger without exceptions' stack traces.</summary>
internal sealed class TaskLog(OrchestratorStore store, RunKey run, string task, int tryNumber, TimeProvider time, ILogger? host) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => host?.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        var line = new StringBuilder()
            .Append(time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
            .Append(' ').Append(Level(logLevel)).Append(' ').Append(formatter(state, exception));
        if (exception is not null)
        {
            line.Append('\n').Append(exception);
        }
        store.AppendLog(run, task, tryNumber, line.ToString());
        // The host's console gets the line without the stack trace: a failing try's trace (dozens of lines of
        // driver frames, joined on one line by the console) buried what failed; it stays in the task log above
        // (`emporium dag logs`, the Pipelines page).
        host?.Log(logLevel, eventId, state, null, formatter);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO ",
        LogLevel.Warning => "WARN ",
        LogLevel.Error => "ERROR",
        _ => "CRIT ",
    };
}
