using System.Security.Cryptography;
using Emporium.Cli.Web.Auth;

namespace Emporium.Cli.Hosting;

/// <summary>Takes changed API keys into the running server: every <paramref name="interval"/> it compares the data dir's
/// <c>emporium.json</c> with what it last saw and, when the file changed, reads the keys again (file, then
/// <c>EMPORIUM__AUTH__…</c> variables) into <paramref name="keys"/>. A file that does not parse, or keys that are not
/// valid, leave the current keys in force and are logged; the next change is tried again.</summary>
public sealed class ApiKeyReloader(string dataDir, TimeSpan interval, ApiKeyRing keys, TimeProvider time, ILogger<ApiKeyReloader> logger) : BackgroundService
{
    private const string Unread = "(not read yet)";
    private readonly string _file = Path.Combine(dataDir, EmporiumConfiguration.FileName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (interval <= TimeSpan.Zero)
        {
            return; // reloading turned off: the keys of the start stay
        }
        // Not the file as it is now: ExecuteAsync runs on its own thread after the host started, so a change made between
        // the keys' first read and this line would be taken as the baseline and never applied. The first tick reads the
        // file whatever it holds; Reload does nothing when its keys are the ones in force.
        string? seen = Unread;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            var now = Fingerprint();
            if (now == seen)
            {
                continue;
            }
            seen = now;
            try
            {
                Reload();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failing listener (e.g. rewriting server.json) must not stop the server; the keys were swapped first.
                logger.LogWarning(e, "after reloading the API keys from {File}", _file);
            }
        }
    }

    private void Reload()
    {
        Emporium.Configuration.AuthOptions next;
        try
        {
            next = EmporiumConfiguration.Load(dataDir).Auth;
        }
        catch (Exception e) when (e is ConfigurationException or IOException)
        {
            logger.LogError("{File} changed but could not be read ({Error}); the {Count} API key(s) in force stay", _file, e.Message, keys.Current.Keys.Count);
            return;
        }
        if (next.Keys.Select(Describe).SequenceEqual(keys.Current.Keys.Select(Describe)))
        {
            return;
        }
        if (keys.TryReplace(next) is { } problem)
        {
            logger.LogError("{File} changed but its API keys cannot be used ({Problem}); the {Count} key(s) in force stay", _file, problem, keys.Current.Keys.Count);
            return;
        }
        logger.LogInformation("API keys reloaded from {File}: {Count} key(s) ({Names})", _file, next.Keys.Count, string.Join(", ", next.Keys.Select(k => k.Name)));
    }

    /// <summary>The file's content hash (null when it is missing or cannot be read now).</summary>
    private string? Fingerprint()
    {
        try
        {
            return File.Exists(_file) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(_file))) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A key as text: the entries are records holding a list, whose equality is by reference.</summary>
    private static string Describe(Emporium.Configuration.ApiKeyEntry key) => $"{key.Name}|{key.Hash}|{string.Join(',', key.Scopes)}";
}
