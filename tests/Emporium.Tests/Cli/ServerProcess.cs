using System.Diagnostics;
using System.Text.Json;
using Emporium.Cli.Hosting;

namespace Emporium.Tests.Cli;

/// <summary>Runs <c>emporium up</c> as a child process (<c>dotnet Emporium.Cli.dll up --data DIR --port P</c>) so a
/// test can kill it for real (SIGKILL) and start it again on the same data dir.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private readonly System.Text.StringBuilder _output;

    private ServerProcess(Process process, string url, System.Text.StringBuilder output)
    {
        _process = process;
        Url = url;
        _output = output;
    }

    /// <summary>What the child printed so far (stdout and stderr interleaved), for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public string Url { get; }

    public int Pid => _process.Id;

    public static Task<ServerProcess> StartAsync(string dataDir, TimeSpan timeout, params string[] extraArgs) =>
        StartAsync(dataDir, timeout, new Dictionary<string, string>(), extraArgs);

    /// <param name="environment">Variables set for the child only (e.g. <c>EMPORIUM__WAREHOUSE</c>), so tests of
    /// environment configuration never change the test process's own environment.</param>
    public static async Task<ServerProcess> StartAsync(string dataDir, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "Emporium.Cli.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }
        foreach (var arg in new[] { cli, "up", "--data", dataDir, "--port", "0" }.Concat(extraArgs))
        {
            info.ArgumentList.Add(arg);
        }
        var process = Process.Start(info)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                // HasExited can be seen before the asynchronous readers delivered the last lines; the parameterless
                // wait returns once both redirected streams reached their end.
                process.WaitForExit();
                lock (output)
                {
                    throw new InvalidOperationException($"server exited with {process.ExitCode}: {output}");
                }
            }
            var infoPath = Path.Combine(dataDir, "server.json");
            if (File.Exists(infoPath))
            {
                try
                {
                    var server = JsonSerializer.Deserialize<ServerInfo>(await File.ReadAllTextAsync(infoPath), new JsonSerializerOptions(JsonSerializerDefaults.Web));
                    if (server?.Pid == process.Id)
                    {
                        return new ServerProcess(process, server.Url, output);
                    }
                }
                catch (Exception e) when (e is IOException or JsonException)
                {
                    // Being written; try again.
                }
            }
            await Task.Delay(50);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"server did not publish its URL within {timeout}: {output}");
    }

    /// <summary>SIGKILL: no shutdown hook runs, exactly like a power cut for the process.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
    }

    /// <summary>Waits for the child to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGINT-style graceful stop (the host drains and exits 0).</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
