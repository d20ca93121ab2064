using System.Text;

namespace Emporium.Orchestration;

public sealed partial class OrchestratorStore
{
    /// <summary>File holding the log of one try: <c>logs/&lt;dag&gt;/&lt;date&gt;/&lt;task&gt;/&lt;try&gt;.log</c>.</summary>
    public string LogPath(RunKey run, string task, int tryNumber) =>
        Path.Combine(Directory, "logs", run.Dag, run.DateText.Replace(':', '-'), task, $"{tryNumber}.log");

    /// <summary>The log of one try, or of every try in order when <paramref name="tryNumber"/> is null.</summary>
    public string ReadLog(RunKey run, string task, int? tryNumber = null)
    {
        var numbers = tryNumber is { } n ? [n] : Tries(run, task).Select(t => t.Try).ToList();
        var text = new StringBuilder();
        foreach (var number in numbers)
        {
            var path = LogPath(run, task, number);
            if (!File.Exists(path))
            {
                continue;
            }
            text.Append("--- ").Append(task).Append(" try ").Append(number).Append(" ---\n");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            text.Append(reader.ReadToEnd());
        }
        return text.ToString();
    }
}
