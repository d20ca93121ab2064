using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Emporium.Lake;

/// <summary>Local scratch for files on their way into the lake or a warehouse (Parquet before its move, a load's staging,
/// a gzip file's decompressed copy, an extract, an upload). Each writer removes its own entries when it ends, but a
/// killed process cannot, and such leftovers can be gigabytes. Every entry is named <c>emporium-KIND-OWNER-ID</c>, OWNER
/// being <see cref="OwnerToken"/>, so that what a dead process left can be told from what a running one is using.</summary>
public static partial class ScratchFolder
{
    /// <summary>Every scratch entry Emporium makes starts with this.</summary>
    public const string Prefix = "emporium-";

    /// <summary>This process as scratch names record it: <c>PID.START</c>, START its <see cref="StartOf">start</see>. An
    /// id alone names another process once it is reused (and on Linux <c>/proc/ID</c> exists for thread ids too), which
    /// kept a killed writer's leftovers for good.</summary>
    public static string OwnerToken { get; } = string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}.{StartOf(Environment.ProcessId)}");

    /// <summary>The owner recorded in a name: a process id and, in names made since the start time was recorded, its
    /// start time in Unix seconds.</summary>
    public readonly record struct Owner(int Pid, long? Started);

    /// <summary>A new, unique scratch path in <paramref name="folder"/> (the OS temp folder when null) for this process.</summary>
    /// <param name="kind">What it holds (a word: "send", "gunzip", "pg-extract", …).</param>
    /// <param name="extension">Appended as is (".parquet"), for readers that go by the name.</param>
    public static string NewPath(string? folder, string kind, string extension = "") =>
        Path.Combine(folder ?? Path.GetTempPath(),
            string.Create(CultureInfo.InvariantCulture, $"{Prefix}{kind}-{OwnerToken}-{Guid.NewGuid():N}{extension}"));

    /// <summary>Deletes the scratch entries in <paramref name="folder"/>; returns how many went. Only for a folder of
    /// the data dir this process holds, before its first writer starts: nothing else writes there then.</summary>
    public static int ClearLeftovers(string folder) => Clear(folder, _ => true);

    /// <summary>Deletes the scratch entries in a folder other processes may share (the OS temp folder) whose process
    /// has ended; returns how many went. Entries of running processes, of other users (not deletable) and any name
    /// not made by <see cref="NewPath"/> stay.</summary>
    public static int ClearOrphans(string folder) => Clear(folder, entry =>
        OwnerOf(Path.GetFileName(entry)) is { } owner && owner.Pid != Environment.ProcessId && !IsRunning(owner));

    private static int Clear(string folder, Func<string, bool> orphaned)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var removed = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, Prefix + "*"))
        {
            if (!orphaned(entry))
            {
                continue;
            }
            try
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Someone else's, or gone meanwhile: not ours to insist on.
            }
        }
        return removed;
    }

    /// <summary>The owner in a name made by <see cref="NewPath"/>, or null.</summary>
    internal static Owner? OwnerOf(string name) =>
        OwnedName().Match(name) is { Success: true } m ? ParseOwner(m.Groups[1].ValueSpan) : null;

    /// <summary>An <see cref="OwnerToken"/> (or a bare process id, as earlier versions wrote), or null.</summary>
    public static Owner? ParseOwner(ReadOnlySpan<char> token)
    {
        var dot = token.IndexOf('.');
        if (!int.TryParse(dot < 0 ? token : token[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }
        if (dot < 0)
        {
            return new Owner(pid, null);
        }
        return long.TryParse(token[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var started) ? new Owner(pid, started) : null;
    }

    /// <summary>Off Linux a start is <see cref="Process.StartTime"/> to the second, which moves with the wall clock.</summary>
    private const long StartSlackSeconds = 2;

    /// <summary>Whether the process that made a name still runs: a process (not a thread) of that id exists and, when
    /// the name recorded it, started when the owner did. When that cannot be read (another user's process), it is
    /// taken as running: keeping a leftover is the safe mistake.</summary>
    public static bool IsRunning(Owner owner)
    {
        try
        {
            if (OperatingSystem.IsLinux() && !IsThreadGroupLeader(owner.Pid))
            {
                return false;
            }
            using var process = Process.GetProcessById(owner.Pid);
            if (process.HasExited)
            {
                return false;
            }
            // A start that cannot be read now is taken as the owner's: deleting a running writer's file is the mistake to avoid.
            return owner.Started is not { } started || StartOf(owner.Pid) is not { } now
                || (OperatingSystem.IsLinux() ? now == started : Math.Abs(now - started) <= StartSlackSeconds);
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // Exited between the look-up and the question.
            return false;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return true;
        }
    }

    /// <summary>On Linux <c>/proc/ID</c> answers for a thread id as well: only a thread group leader is a process.</summary>
    private static bool IsThreadGroupLeader(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal))
                {
                    return int.TryParse(line.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var tgid) && tgid == pid;
                }
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>When a process started, as names record it, or null when that cannot be read. On Linux the kernel's own
    /// count of clock ticks from boot to the start (<c>/proc/ID/stat</c>, field 22): exact for the process's life, where
    /// <see cref="Process.StartTime"/> is derived through the wall clock and moves when the clock is set (an NTP step, a
    /// resumed VM), which would make a running writer's files look abandoned. Elsewhere Unix seconds.</summary>
    public static long? StartOf(int pid)
    {
        try
        {
            if (OperatingSystem.IsLinux())
            {
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                // The command name (field 2) is in parentheses and may hold spaces: count from after its closing one.
                var fields = stat.AsSpan(stat.LastIndexOf(')') + 1).Trim().ToString().Split(' ');
                return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
            }
            using var process = Process.GetProcessById(pid);
            return new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
            or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex("^emporium-[a-z0-9-]+?-([0-9]+(?:\\.[0-9]+)?)-[0-9a-f]{32}(\\.[A-Za-z0-9]+)?$")]
    private static partial Regex OwnedName();
}
