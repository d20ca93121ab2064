using Emporium.Batch.Loading;
using Emporium.Datasets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Emporium.Batch.Landing;

/// <summary>The landing zone <c>&lt;data&gt;/landing/&lt;dataset&gt;/</c>: a file dropped there is loaded into that dataset
/// once it is complete (its size and modification time unchanged for <see cref="LandingOptions.StableFor"/>, or it
/// was renamed into place from a temp name, which is ignored meanwhile), then removed from the landing folder (the
/// loader keeps its bytes in the raw zone). Content already loaded is skipped by its hash, never loaded twice. Files
/// that fail (unreadable, conflicting, strict rejects) move to <c>landing/.rejected/&lt;dataset&gt;/</c> with a
/// <c>.reason.txt</c> beside them. Names with <c>..</c>, links leaving the zone, and unknown dataset folders are refused.
/// Every dataset <c>emporium load</c> takes has a folder, the seed jobs' tables (seller_offers…) too; a landed file
/// gets no <c>--set</c> values, so it must carry the dataset's required columns itself.</summary>
public sealed class LandingZone(string root, BatchLoader loader, TimeProvider time, LandingOptions? options = null, ILogger? logger = null)
{
    public const string RejectedFolder = ".rejected";

    private readonly LandingOptions options = options ?? new LandingOptions();
    private readonly ILogger logger = logger ?? NullLogger.Instance;
    private readonly Dictionary<string, Observation> seen = new(StringComparer.Ordinal);
    private readonly HashSet<string> warned = new(StringComparer.Ordinal);
    private bool foldersMade;

    private sealed record Observation(long Size, DateTime Modified, DateTimeOffset Since);

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>One pass: loads every complete file; returns what was done to each file handled in this pass.</summary>
    public async Task<IReadOnlyList<LandingOutcome>> ScanAsync(CancellationToken ct)
    {
        if (!foldersMade)
        {
            // The folders show where each dataset's files go; made once, so a folder removed on purpose stays removed.
            foreach (var dataset in LoadSpec.Loadable)
            {
                Directory.CreateDirectory(Path.Combine(Root, dataset.Name));
            }
            foldersMade = true;
        }
        Directory.CreateDirectory(Root);
        var outcomes = new List<LandingOutcome>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stray in Directory.EnumerateFiles(Root).Where(f => !PathExpander.IsIgnored(f)).Order(StringComparer.Ordinal))
        {
            // A file dropped at the top names no dataset; say where it belongs instead of leaving it without a word.
            if (warned.Add(stray))
            {
                logger.LogWarning("landing file {File} is not in a dataset's folder; move it into {Root}/<dataset>/ (datasets: {Known}); ignored",
                    Path.GetFileName(stray), Root, Known);
            }
        }
        foreach (var folder in Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            if (name.StartsWith('.'))
            {
                continue;
            }
            if (LoadSpec.Find(name) is not { } schema)
            {
                if (warned.Add(name))
                {
                    logger.LogWarning("landing folder {Folder} is not a dataset (known: {Known}); ignored", name, Known);
                }
                continue;
            }
            foreach (var file in Directory.EnumerateFileSystemEntries(folder).Order(StringComparer.Ordinal))
            {
                ct.ThrowIfCancellationRequested();
                if (Directory.Exists(file) || PathExpander.IsIgnored(file))
                {
                    continue;
                }
                present.Add(file);
                if (Refusal(file) is { } refusal)
                {
                    outcomes.Add(await RejectAsync(schema, file, refusal, null, ct).ConfigureAwait(false));
                    continue;
                }
                if (!IsComplete(file))
                {
                    continue;
                }
                var result = await loader.LoadFileAsync(file, new BatchLoadRequest(schema), null, ct).ConfigureAwait(false);
                seen.Remove(file);
                if (result.Status is FileLoadStatus.Loaded or FileLoadStatus.Skipped)
                {
                    File.Delete(file);
                    logger.LogInformation("landing {File}: {Status}, {Rows} rows loaded, {Rejected} rejected", file, result.Status, result.RowsLoaded, result.RowsRejected);
                    outcomes.Add(new LandingOutcome(file, schema.Name, result, null));
                }
                else
                {
                    outcomes.Add(await RejectAsync(schema, file, WhyRejected(result), result, ct).ConfigureAwait(false));
                }
            }
        }
        foreach (var gone in seen.Keys.Where(k => !present.Contains(k)).ToList())
        {
            seen.Remove(gone);
        }
        return outcomes;
    }

    private static string Known => string.Join(", ", LoadSpec.Loadable.Select(d => d.Name));

    /// <summary>A failed load's reason. A file lacking required columns may be one <c>emporium load</c> takes with
    /// <c>--set</c> (a seller search response has no seller_id or snapshot_date), which a landed file cannot have.</summary>
    private static string WhyRejected(FileLoadResult result) =>
        result.Error is { } error && error.Contains(SchemaConformance.MissingRequired, StringComparison.Ordinal)
            ? $"{error}; a landed file gets no --set values, so it must carry these columns (or load it with emporium load … --set COLUMN=VALUE)"
            : result.Error ?? result.Status.ToString();

    /// <summary>Why a landed entry is refused outright, or null.</summary>
    public string? Refusal(string path)
    {
        var name = Path.GetFileName(path);
        if (name.Contains("..", StringComparison.Ordinal))
        {
            return $"file name '{name}' contains '..'";
        }
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target)
        {
            var resolved = Path.GetFullPath(target, Path.GetDirectoryName(path)!);
            if (Path.IsPathRooted(target) || !resolved.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return $"'{name}' links to '{target}', outside the landing zone";
            }
        }
        return null;
    }

    /// <summary>Checks whether a name given by a client (e.g. an upload) is a plain relative file name.</summary>
    public static string? RefuseName(string name) =>
        string.IsNullOrWhiteSpace(name) ? "empty name"
        : Path.IsPathRooted(name) || name.StartsWith('/') || name.StartsWith('\\') ? $"'{name}' is an absolute path"
        : name.Split('/', '\\').Any(p => p == "..") || name.Contains("..", StringComparison.Ordinal) ? $"'{name}' contains '..'"
        : name.IndexOfAny(['/', '\\']) >= 0 ? $"'{name}' is not a plain file name"
        : null;

    private bool IsComplete(string file)
    {
        var info = new FileInfo(file);
        var now = time.GetUtcNow();
        if (!seen.TryGetValue(file, out var before) || before.Size != info.Length || before.Modified != info.LastWriteTimeUtc)
        {
            seen[file] = new Observation(info.Length, info.LastWriteTimeUtc, now);
            return false;
        }
        return now - before.Since >= options.StableFor;
    }

    /// <summary>A name in the rejected folder that no earlier rejected file holds (<c>orders.2.csv</c>…): a daily file
    /// refused again under the same name must not replace the earlier one, which is often its only copy (a file refused
    /// for its format never reaches the raw zone).</summary>
    private static string FreeName(string folder, string name)
    {
        var target = Path.Combine(folder, name);
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var n = 2; Taken(target); n++)
        {
            target = Path.Combine(folder, $"{stem}.{n}{extension}");
        }
        return target;

        static bool Taken(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null || Path.Exists(path + ".reason.txt");
    }

    private async Task<LandingOutcome> RejectAsync(DatasetSchema schema, string file, string reason, FileLoadResult? result, CancellationToken ct)
    {
        var folder = Path.Combine(Root, RejectedFolder, schema.Name);
        Directory.CreateDirectory(folder);
        var target = FreeName(folder, Path.GetFileName(file));
        File.Move(file, target);
        await File.WriteAllTextAsync(target + ".reason.txt", reason + Environment.NewLine, ct).ConfigureAwait(false);
        seen.Remove(file);
        logger.LogWarning("landing {File} rejected: {Reason}", file, reason);
        return new LandingOutcome(file, schema.Name, result, reason);
    }
}

/// <summary>What the landing zone did with one file: loaded/skipped (Result), or refused/failed (Rejection).</summary>
public sealed record LandingOutcome(string File, string Dataset, FileLoadResult? Result, string? Rejection);
