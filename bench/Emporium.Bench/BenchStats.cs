using System.Diagnostics;

namespace Emporium.Bench;

/// <summary>Small helpers for Stopwatch harnesses: run warmup + rounds, report the median, describe the machine.</summary>
public static class BenchStats
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Runs <paramref name="round"/> <paramref name="warmup"/> times unmeasured, then <paramref name="rounds"/>
    /// times, and returns the per-round rates (operations per second).</summary>
    public static async Task<IReadOnlyList<double>> RatesAsync(int warmup, int rounds, Func<int, Task<long>> round)
    {
        for (var i = 0; i < warmup; i++)
        {
            await round(-1 - i);
        }

        var rates = new List<double>(rounds);
        for (var i = 0; i < rounds; i++)
        {
            var sw = Stopwatch.StartNew();
            var ops = await round(i);
            rates.Add(ops / sw.Elapsed.TotalSeconds);
        }

        return rates;
    }

    /// <summary>A short file-name-safe machine label, e.g. "2cpu-amd-epyc", for results file names.</summary>
    public static string MachineId()
    {
        var cpu = "cpu";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
            // Not Linux.
        }

        var slug = new string([.. cpu.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
        while (slug.Contains("--", StringComparison.Ordinal))
        {
            slug = slug.Replace("--", "-", StringComparison.Ordinal);
        }

        return $"{Environment.ProcessorCount}cpu-{slug.Trim('-')}";
    }

    /// <summary>nproc, CPU model and memory, for the header of a results file.</summary>
    public static string DescribeMachine()
    {
        var cpu = "unknown";
        var mem = "unknown";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? cpu;
            var memKb = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim();
            if (memKb is not null && long.TryParse(memKb.Split(' ')[0], out var kb))
            {
                mem = $"{kb / 1024.0 / 1024.0:F1} GiB";
            }
        }
        catch (IOException)
        {
            // Not Linux: keep "unknown".
        }

        return $"nproc {Environment.ProcessorCount}, CPU {cpu}, memory {mem}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {LoadAverage()} (other tenants)";
    }

    /// <summary>The 1, 5 and 15 minute load averages ("unknown" off Linux): other tenants share the machine.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    /// <summary>bench/results/&lt;suite&gt;-&lt;machine&gt;.md of the repository the bench runs from, or null
    /// outside a checkout.</summary>
    public static string? DefaultResultsPath(string suite)
    {
        var dir = new DirectoryInfo(Environment.CurrentDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Emporium.sln")))
        {
            dir = dir.Parent;
        }
        return dir is null ? null : Path.Combine(dir.FullName, "bench", "results", $"{suite}-{MachineId()}.md");
    }

    /// <summary>The value after <paramref name="name"/> on a suite's command line, or null.</summary>
    public static string? Arg(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
