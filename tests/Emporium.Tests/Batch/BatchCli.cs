using System.Diagnostics;
using System.Text;
using Emporium.Tests.Web.Dashboard;

namespace Emporium.Tests.Batch;

/// <summary>Runs the built <c>emporium</c> CLI as a child process.</summary>
internal static class BatchCli
{
    public static Process Start(IEnumerable<string> args, StringBuilder output, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(EmporiumProcess.CliDll());
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["COLUMNS"] = "240";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the emporium CLI");
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static Task<(int Code, string Output)> RunAsync(params string[] args) => RunAsync(null, args);

    public static async Task<(int Code, string Output)> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var output = new StringBuilder();
        using var process = Start(args, output, environment);
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(guard.Token);
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
