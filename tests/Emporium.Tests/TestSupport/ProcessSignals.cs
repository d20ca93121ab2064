using System.Runtime.InteropServices;

namespace Emporium.Tests.TestSupport;

/// <summary>Freezes and resumes a process (SIGSTOP/SIGCONT), as a process starved of CPU, a paused VM or a debugger
/// would: its connections stay open and its kernel keeps answering TCP, but it does nothing.</summary>
public static class ProcessSignals
{
    private const int Sigcont = 18;
    private const int Sigstop = 19;

    public static void Stop(int pid) => Signal(pid, Sigstop);

    public static void Continue(int pid) => Signal(pid, Sigcont);

    private static void Signal(int pid, int signal) =>
        Assert.True(Kill(pid, signal) == 0, $"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");

    // DllImport rather than LibraryImport: the latter needs unsafe code enabled for the whole project.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int sig);
}
