using Emporium.Orchestration;

namespace Emporium.Cli.Commands.Dags;

/// <summary>Prints task state changes of runs executing in this process until they end.</summary>
public static class RunWatcher
{
    public static async Task<IReadOnlyList<DagRunInfo>> WatchAsync(DagEngine engine, IReadOnlyList<RunKey> runs, TextWriter output, CancellationToken ct)
    {
        var printed = new Dictionary<(RunKey, string), string>();
        var pending = runs.ToHashSet();
        await engine.WaitUntilAsync(() =>
        {
            foreach (var key in runs)
            {
                foreach (var task in engine.Store.Tasks(key))
                {
                    var state = $"{Views.State(task.State)}{(task.TryNumber > 1 ? $" (try {task.TryNumber})" : "")}";
                    if (task.State != TaskState.None && printed.GetValueOrDefault((key, task.Task)) != state)
                    {
                        printed[(key, task.Task)] = state;
                        lock (output)
                        {
                            output.WriteLine($"{key.DateText}  {task.Task,-28} {state}{(task.Error is { } e && task.State is TaskState.Failed or TaskState.UpForRetry ? $": {e}" : "")}");
                        }
                    }
                }
                if (engine.Store.GetRun(key) is { State: RunState.Success or RunState.Failed } run && pending.Remove(key))
                {
                    lock (output)
                    {
                        output.WriteLine($"{key.DateText}  run {Views.State(run.State)}");
                    }
                }
            }
            return pending.Count == 0;
        }, ct);
        return runs.Select(k => engine.Store.GetRun(k)!).ToList();
    }

    private static class Views
    {
        public static string State(TaskState s) => Web.DagViews.State(s);

        public static string State(RunState s) => Web.DagViews.State(s);
    }
}
