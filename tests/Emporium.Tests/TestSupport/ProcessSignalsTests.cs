namespace Emporium.Tests.TestSupport;

/// <summary>A stray id given to <see cref="ProcessSignals"/> must never reach kill(2): SIGSTOP to 0, a negative id, a
/// thread of this process or the runner above it freezes the test host with no trace of why.</summary>
public sealed class ProcessSignalsTests
{
    /// <summary>SIGCONT is harmless to this process, so this one shows the refusal even where the guard were missing.</summary>
    [Fact]
    public void Continue_refuses_this_process_its_group_its_threads_and_its_parent()
    {
        foreach (var pid in DangerousIds(withBroadcast: false))
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => ProcessSignals.Continue(pid));
        }
    }

    [Fact]
    public void Stop_refuses_every_id_that_would_freeze_this_process_or_its_runner()
    {
        foreach (var pid in DangerousIds(withBroadcast: true))
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => ProcessSignals.Stop(pid));
        }
    }

    [Fact]
    public async Task Another_process_is_stopped_and_continued()
    {
        using var sleeper = System.Diagnostics.Process.Start("sleep", "60");
        try
        {
            ProcessSignals.Stop(sleeper.Id);
            Assert.Equal('T', await StateAsync(sleeper.Id, 'T'));
            ProcessSignals.Continue(sleeper.Id);
            Assert.Equal('S', await StateAsync(sleeper.Id, 'S'));
        }
        finally
        {
            sleeper.Kill();
        }
    }

    private static IEnumerable<int> DangerousIds(bool withBroadcast)
    {
        yield return 0;
        yield return 1;
        yield return Environment.ProcessId;
        var thread = Directory.GetDirectories($"/proc/{Environment.ProcessId}/task").Select(d => int.Parse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture))
            .First(tid => tid != Environment.ProcessId);
        yield return thread;
        yield return ParentId();
        if (withBroadcast)
        {
            // Sent for real, these would stop every process of this user, or the group of the given id.
            yield return -1;
            yield return -Environment.ProcessId;
        }
    }

    private static int ParentId() =>
        int.Parse(File.ReadLines($"/proc/{Environment.ProcessId}/status").First(l => l.StartsWith("PPid:", StringComparison.Ordinal))[5..].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The process's state letter from <c>/proc/ID/stat</c> once it is <paramref name="wanted"/> (or after 10 s).</summary>
    private static async Task<char> StateAsync(int pid, char wanted)
    {
        var state = '?';
        for (var i = 0; i < 200 && state != wanted; i++)
        {
            var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
            state = stat[(stat.LastIndexOf(')') + 2)];
            if (state != wanted)
            {
                await Task.Delay(50);
            }
        }
        return state;
    }
}
