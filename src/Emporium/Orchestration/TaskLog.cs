using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration;

/// <summary>The logger a task gets: one file per try (readable while it is written), mirrored to the host's logger.</summary>
internal sealed class TaskLog : ILogger, IDisposable
{
    private readonly object sync = new();
    private readonly StreamWriter writer;
    private readonly FileStream stream;
    private readonly TimeProvider time;
    private readonly ILogger? host;

    public TaskLog(string path, TimeProvider time, ILogger? host)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true };
        this.time = time;
        this.host = host;
    }

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
        lock (sync)
        {
            writer.WriteLine(line.ToString());
        }
        host?.Log(logLevel, eventId, state, exception, formatter);
    }

    public void Dispose()
    {
        lock (sync)
        {
            // Flushed to the OS, not fsynced: logs are diagnostics (the journal is the record of what ran), and an
            // fsync here contends with the journal's on the hand-off to the next task.
            writer.Flush();
            writer.Dispose();
        }
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
