using Emporium.Orchestration;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Emporium.Tests.Orchestration;

/// <summary>A task's log lines go to its try's log file, and to the host's console without the stack trace.</summary>
public sealed class TaskLogTests
{
    [Fact]
    public void A_failure_keeps_its_stack_trace_in_the_task_log_and_the_console_gets_the_line_alone()
    {
        using var dir = new TempDir("task-log");
        using var store = OrchestratorStore.Open(dir.Path);
        var run = new RunKey("d", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var host = new FakeLogger();
        var log = new TaskLog(store, run, "extract", 1, TimeProvider.System, host);
        Exception failure;
        try
        {
            throw new HttpRequestException("Connection refused (127.0.0.1:1)");
        }
        catch (HttpRequestException e)
        {
            failure = e;
        }

        log.LogError(failure, "try {Try} failed: {Reason}", 1, failure.Message);

        var record = Assert.Single(host.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Equal("try 1 failed: Connection refused (127.0.0.1:1)", record.Message);
        Assert.Null(record.Exception);
        var file = store.ReadLog(run, "extract", 1);
        Assert.Contains("ERROR try 1 failed: Connection refused (127.0.0.1:1)", file, StringComparison.Ordinal);
        Assert.Contains("   at ", file, StringComparison.Ordinal);
        Assert.Contains(nameof(A_failure_keeps_its_stack_trace_in_the_task_log_and_the_console_gets_the_line_alone), file, StringComparison.Ordinal);
    }

    /// <summary>The task log is diagnostics: a line its file cannot take (a full disk) must not fail the try, whose
    /// exception escaped before the try was recorded and held the task "running" for a whole retry delay.</summary>
    [Fact]
    public void A_line_the_log_file_cannot_take_still_reaches_the_console_and_the_file_takes_the_next_once_it_can()
    {
        using var dir = new TempDir("task-log-full");
        using var store = OrchestratorStore.Open(dir.Path);
        var run = new RunKey("d", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var host = new FakeLogger();
        var log = new TaskLog(store, run, "extract", 1, TimeProvider.System, host);
        // A directory where the run's log file goes: every write to it fails, as on a full disk.
        Directory.CreateDirectory(store.LogPath(run));

        log.LogInformation("first line");

        Assert.Equal("first line", Assert.Single(host.Collector.GetSnapshot()).Message);
        Directory.Delete(store.LogPath(run));
        log.LogInformation("second line");
        var file = store.ReadLog(run, "extract", 1);
        Assert.Contains("INFO  second line", file, StringComparison.Ordinal);
        Assert.DoesNotContain("first line", file, StringComparison.Ordinal);
    }
}
