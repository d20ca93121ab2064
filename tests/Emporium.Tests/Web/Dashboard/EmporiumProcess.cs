using System.Diagnostics;
using System.Text;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>A real <c>emporium up</c> child process (the built CLI) on a free loopback port with a temp data dir.</summary>
public sealed class EmporiumProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private EmporiumProcess(Process process, TempDir data, Uri baseAddress)
    {
        this.process = process;
        Data = data;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public TempDir Data { get; }

    /// <summary>What the server printed so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <param name="environment">Extra environment variables of the server (<c>EMPORIUM__…</c> settings).</param>
    /// <param name="prepare">Runs on the empty data dir before the server starts (e.g. <c>emporium keys add</c>).</param>
    public static async Task<EmporiumProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null, Func<string, Task>? prepare = null, CancellationToken ct = default)
    {
        var data = new TempDir("dashboard");
        if (prepare is not null)
        {
            await prepare(data.Path);
        }
        var port = FreePort.Next();
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { CliDll(), "up", "--data", data.Path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start the emporium CLI");
        var server = new EmporiumProcess(p, data, new Uri($"http://127.0.0.1:{port}/"));
        p.OutputDataReceived += (_, e) => server.Append(e.Data);
        p.ErrorDataReceived += (_, e) => server.Append(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        await server.WaitHealthyAsync(TimeSpan.FromSeconds(60), ct);
        return server;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private async Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"emporium up exited with {process.ExitCode}:\n{Output}");
            }
            try
            {
                using var res = await http.GetAsync("health", ct);
                if (res.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Listening but slower than the client's 5 s while it starts on a loaded machine: ask again until the
                // deadline instead of failing the start on one slow answer.
            }
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"emporium up did not answer /health within {timeout}:\n{Output}");
    }

    /// <summary>The CLI built beside the tests (same configuration), as the <c>./emporium</c> script runs it.</summary>
    internal static string CliDll()
    {
        var baseDir = AppContext.BaseDirectory;
        var configuration = baseDir.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(baseDir); dir is not null; dir = dir.Parent)
        {
            var bin = Path.Combine(dir.FullName, "src", "Emporium.Cli", "bin", configuration);
            if (Directory.Exists(bin))
            {
                var dll = Directory.EnumerateFiles(bin, "Emporium.Cli.dll", SearchOption.AllDirectories)
                    .Where(f => File.Exists(Path.ChangeExtension(f, ".runtimeconfig.json")))
                    .OrderByDescending(File.GetLastWriteTimeUtc)
                    .FirstOrDefault();
                if (dll is not null)
                {
                    return dll;
                }
            }
        }
        throw new FileNotFoundException($"Emporium.Cli.dll ({configuration}) not found: build the solution first");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        process.Dispose();
        Data.Dispose();
    }
}
