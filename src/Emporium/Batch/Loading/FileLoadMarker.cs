using Emporium.Log;

namespace Emporium.Batch.Loading;

/// <summary>How a file load is recorded in the warehouse offsets table (group "batch"), so the record commits in
/// the same transaction as the rows: topic <c>file:&lt;sha256&gt;</c>, partition 0 = the next source row to read
/// (rows before it are committed), partition 1 = 1 once the whole file, its lake files and manifest are done
/// (0 while a load is in progress, 2 when the file could only be read up to a break such as an unbalanced quote, 3
/// when a later file of the same name replaced its rows). A file with partition 1 = 1 is skipped; one with only
/// partition 0 resumes there; a failed or replaced one (2, 3) is loaded again from the start, replacing its earlier
/// rows, so a reload reports its error again instead of "already loaded".</summary>
public readonly record struct FileLoadMarker(string Sha256)
{
    public string Source => $"file:{Sha256}";

    public TopicPartition Progress => new(Source, 0);

    public TopicPartition Completion => new(Source, 1);

    public IReadOnlyDictionary<TopicPartition, long> InProgress(long nextRow) =>
        new Dictionary<TopicPartition, long> { [Progress] = nextRow, [Completion] = 0 };

    public IReadOnlyDictionary<TopicPartition, long> Done(long rows) =>
        new Dictionary<TopicPartition, long> { [Progress] = rows, [Completion] = 1 };

    /// <summary>The file was read up to a break: its good rows are in, but it is not complete.</summary>
    public IReadOnlyDictionary<TopicPartition, long> Failed(long rows) =>
        new Dictionary<TopicPartition, long> { [Progress] = rows, [Completion] = 2 };

    /// <summary>A later file of the same name replaced this failed one's rows.</summary>
    public IReadOnlyDictionary<TopicPartition, long> Superseded() =>
        new Dictionary<TopicPartition, long> { [Completion] = 3 };

    public static bool TryParse(string topic, out string sha)
    {
        sha = topic.StartsWith("file:", StringComparison.Ordinal) ? topic[5..] : "";
        return sha.Length == 64;
    }

    /// <summary>Where a previous run left this file.</summary>
    public (bool Done, long NextRow, bool Failed) Read(IReadOnlyDictionary<TopicPartition, long> offsets) =>
        (offsets.GetValueOrDefault(Completion) == 1, offsets.GetValueOrDefault(Progress), offsets.GetValueOrDefault(Completion) is 2 or 3);

    /// <summary>Whether this file's load ended at a break (2), or was replaced after it (3).</summary>
    public (bool Failed, bool Superseded) State(IReadOnlyDictionary<TopicPartition, long> offsets) =>
        (offsets.GetValueOrDefault(Completion) == 2, offsets.GetValueOrDefault(Completion) == 3);
}
