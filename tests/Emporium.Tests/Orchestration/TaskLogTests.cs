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
}
