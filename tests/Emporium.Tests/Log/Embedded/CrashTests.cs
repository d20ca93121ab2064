using System.Diagnostics;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log.Embedded;

/// <summary>A child process appends with many concurrent writers and is killed (SIGKILL) mid-stream, several times
/// over the same directory: every record it acknowledged must be readable at its acknowledged position, and the log
/// must keep working.</summary>
public sealed class CrashTests
{
    [Fact]
    public async Task EveryAcknowledgedRecordSurvivesRepeatedKills()
    {
        using var dir = new TempDir("log-crash");
        var acknowledged = new Dictionary<string, (int Partition, long Offset)>();
        for (var kill = 0; kill < 3; kill++)
        {
            foreach (var (value, partition, offset) in await RunAndKillAsync(dir.Path, killAfterAcks: 150 + kill * 100))
            {
                acknowledged.Add(value, (partition, offset));
            }
        }

        await using var log = await EmbeddedEventLog.OpenAsync(Options(dir.Path));
        var entries = await ReadAllAsync(log, "crash");
        var byValue = entries.ToDictionary(Text, e => (e.Position.Partition, e.Offset));

        Assert.True(acknowledged.Count >= 450, $"only {acknowledged.Count} acknowledgements");
        Assert.All(acknowledged, ack => Assert.Equal(ack.Value, byValue[ack.Key]));
        foreach (var partition in entries.GroupBy(e => e.Position.Partition))
        {
            Assert.Equal(Enumerable.Range(0, partition.Count()).Select(i => (long)i), partition.Select(e => e.Offset));
        }

        var after = await log.AppendAsync("crash", [Message("k1", "after the crashes")], CancellationToken.None);
        Assert.Equal(entries.Count(e => e.Position == after[0].Partition), after[0].Offset);
    }

    private static async Task<List<(string Value, int Partition, long Offset)>> RunAndKillAsync(string logDirectory, int killAfterAcks)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Emporium.Cli.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { cli, "log", "append", "--dir", logDirectory, "--topic", "crash", "--partitions", "3",
                     "--generate", "1000000", "--concurrency", "16", "--print-acks" })
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync();
        var acks = new List<(string, int, long)>();
        try
        {
            while (acks.Count < killAfterAcks && await child.StandardOutput.ReadLineAsync() is { } line)
            {
                var parts = line.Split('\t');
                acks.Add((parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
        finally
        {
            // SIGKILL while the writers are mid-append: no flush, no dispose.
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
        }

        Assert.True(acks.Count >= killAfterAcks, $"the child stopped early: {await stderr}");
        return acks;
    }
}
