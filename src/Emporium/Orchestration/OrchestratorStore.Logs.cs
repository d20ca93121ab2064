using System.Text;

namespace Emporium.Orchestration;

public sealed partial class OrchestratorStore
{
    private const string TryHeader = "--- {0} try {1} ---\n";
    private readonly Dictionary<string, FileStream> logFiles = new(StringComparer.Ordinal);

    /// <summary>The log file of one run: <c>logs/&lt;dag&gt;/&lt;date&gt;.log</c>, shared by its tasks' tries, each
    /// line prefixed with <c>&lt;task&gt; &lt;try&gt; </c>. One file per run rather than per try: creating a file is
    /// metadata the journal's next fsync has to commit too (ext4 commits the whole running transaction), and per-try
    /// files made that fsync — the hand-off's one durable write — several times slower under load.</summary>
    public string LogPath(RunKey run) => Path.Combine(Directory, "logs", run.Dag, $"{run.DateText.Replace(':', '-')}.log");

    /// <summary>Where earlier versions kept one file per try (still read).</summary>
    private string LegacyLogPath(RunKey run, string task, int tryNumber) =>
        Path.Combine(Directory, "logs", run.Dag, run.DateText.Replace(':', '-'), task, $"{tryNumber}.log");

    /// <summary>Appends one (possibly multi-line) entry to a try's log; flushed to the OS, not fsynced (logs are
    /// diagnostics, the journal is the record). Only the writer process appends, through one stream per run file.</summary>
    internal void AppendLog(RunKey run, string task, int tryNumber, string text)
    {
        var prefix = $"{task} {tryNumber} ";
        var line = new StringBuilder();
        foreach (var part in text.Split('\n'))
        {
            line.Append(prefix).Append(part.TrimEnd('\r')).Append('\n');
        }
        var bytes = Encoding.UTF8.GetBytes(line.ToString());
        var path = LogPath(run);
        lock (logFiles)
        {
            if (journal is null)
            {
                return; // closed (a try still logging while the process stops): nothing to write to
            }
            FileStream? stream = null;
            try
            {
                if (!logFiles.TryGetValue(path, out stream))
                {
                    if (logFiles.Count >= 64)
                    {
                        // Runs are short-lived; a bounded set of open files is enough (reopening appends).
                        CloseLogs();
                    }
                    System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
                    logFiles[path] = stream;
                }
                stream.Write(bytes);
                stream.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A log is diagnostics: a line its file cannot take (a full disk) is dropped from the file (the host's
                // logger still gets it) rather than failing the try, whose exception escaped before the try's end was
                // recorded and kept the task "running", without a word, for a whole retry delay. The stream goes with
                // the bytes it could not write; the next line reopens the file.
                logFiles.Remove(path);
                DisposeQuietly(stream);
            }
        }
    }

    private static void DisposeQuietly(FileStream? stream)
    {
        try
        {
            stream?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Disposing flushes what the failed write left buffered, which fails the same way.
        }
    }

    /// <summary>Why <paramref name="task"/> of <paramref name="run"/> has no log for <paramref name="tryNumber"/> (a try it
    /// has not made), or null when it has one.</summary>
    public string? MissingTry(RunKey run, string task, int tryNumber)
    {
        var tries = Tries(run, task).Select(t => t.Try).ToList();
        return tries.Contains(tryNumber) ? null
            : tries.Count == 0 ? $"task '{task}' of {run} has not run yet"
            : $"task '{task}' of {run} has no try {tryNumber} (its tries: {string.Join(", ", tries)})";
    }

    /// <summary>The last <paramref name="tail"/> lines of what <see cref="ReadLog"/> answers, and how many lines that
    /// has: the log is streamed, holding only those lines (a task that logged a line per changed product wrote 197,000, and
    /// reading the whole log to take its tail took the server to 823 MiB).</summary>
    public LogTail TailLog(RunKey run, string task, int? tryNumber, int tail)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tail, 1);
        var last = new Queue<string>(Math.Min(tail, 1024));
        var total = 0;
        foreach (var line in LogLines(run, task, tryNumber))
        {
            total++;
            if (last.Count == tail)
            {
                last.Dequeue();
            }
            last.Enqueue(line);
        }
        return new LogTail([.. last], total);
    }

    /// <summary>The log of one try, or of every try in order when <paramref name="tryNumber"/> is null.</summary>
    public string ReadLog(RunKey run, string task, int? tryNumber = null)
    {
        var text = new StringBuilder();
        foreach (var line in LogLines(run, task, tryNumber))
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The lines of the log of one try, or of every try in order, each try after a header line; streamed from
    /// the files, so a caller holds only what it keeps.</summary>
    public IEnumerable<string> LogLines(RunKey run, string task, int? tryNumber = null)
    {
        var numbers = tryNumber is { } n ? [n] : Tries(run, task).Select(t => t.Try).ToList();
        foreach (var number in numbers)
        {
            var header = string.Format(System.Globalization.CultureInfo.InvariantCulture, TryHeader, task, number).TrimEnd('\n');
            var found = false;
            foreach (var line in RunLogLines(run, task, number))
            {
                if (!found)
                {
                    found = true;
                    yield return header;
                }
                yield return line;
            }
            if (found)
            {
                continue;
            }
            var legacy = LegacyLogPath(run, task, number);
            if (File.Exists(legacy))
            {
                yield return header;
                using var stream = new FileStream(legacy, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                while (reader.ReadLine() is { } line)
                {
                    yield return line;
                }
            }
        }
    }

    /// <summary>The lines of one try of <paramref name="task"/> in the run's log, without their prefix.</summary>
    private IEnumerable<string> RunLogLines(RunKey run, string task, int tryNumber)
    {
        var path = LogPath(run);
        if (!File.Exists(path))
        {
            yield break;
        }
        var prefix = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{task} {tryNumber} ");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return line[prefix.Length..];
            }
        }
    }

    private void CloseLogs()
    {
        foreach (var stream in logFiles.Values)
        {
            DisposeQuietly(stream);
        }
        logFiles.Clear();
    }
}

/// <summary>The last lines of a task's log and how many lines it has in all.</summary>
public sealed record LogTail(IReadOnlyList<string> Lines, int TotalLines);
