using System.Runtime.InteropServices;

namespace Emporium.Tests.TestSupport;

/// <summary>Freezes and resumes a process (SIGSTOP/SIGCONT), as a process starved of CPU, a paused VM or a debugger
/// would: its connections stay open and its kernel keeps answering TCP, but it does nothing. Only another process
/// that is not an ancestor of this one is signalled: kill(2) reads 0 as this process's group, a negative id as a
/// group or every process the user may signal, and a thread's id as its whole process, so a stray id (an unread
/// query result, a default int) would freeze the test host itself or the runner waiting for it.</summary>
public static class ProcessSignals
{
    private const int Sigcont = 18;
    private const int Sigstop = 19;

    public static void Stop(int pid) => Signal(pid, Sigstop);

    public static void Continue(int pid) => Signal(pid, Sigcont);

    private static void Signal(int pid, int signal)
    {
        if (RefusalFor(pid) is { } refusal)
        {
            throw new ArgumentOutOfRangeException(nameof(pid), pid, $"refusing to send signal {signal} to {pid}: {refusal}");
        }
        Assert.True(Kill(pid, signal) == 0, $"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    private static string? RefusalFor(int pid)
    {
        if (pid <= 1)
        {
            return "0 and negative ids name process groups (this one's among them), and 1 is init";
        }
        var self = Environment.ProcessId;
        if (pid == self || Directory.Exists($"/proc/{self}/task/{pid}"))
        {
            return "it is this process or one of its threads";
        }
        for (var ancestor = ParentOf(self); ancestor > 1; ancestor = ParentOf(ancestor))
        {
            if (ancestor == pid)
            {
                return "it is an ancestor of this process (the test runner waits for it)";
            }
        }
        return null;
    }

    /// <summary>The parent's id from <c>/proc/ID/status</c>; 0 when the process is gone.</summary>
    private static int ParentOf(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("PPid:", StringComparison.Ordinal))
                {
                    return int.Parse(line.AsSpan(5).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return 0;
    }

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}
