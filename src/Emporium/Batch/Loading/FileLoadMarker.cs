using Emporium.Log;

namespace Emporium.Batch.Loading;

/// <summary>How a file load is recorded in the warehouse offsets table (group "batch"), so the record commits in
/// the same transaction as the rows: topic <c>file:&lt;sha256&gt;</c>, partition 0 = the next source row to read
/// (rows before it are committed), partition 1 = 1 once the whole file, its lake files and manifest are done
/// (0 while a load is in progress). A file with partition 1 = 1 is skipped; one with only partition 0 resumes there.</summary>
public readonly record struct FileLoadMarker(string Sha256)
{
    public string Source => $"file:{Sha256}";

    public TopicPartition Progress => new(Source, 0);

    public TopicPartition Completion => new(Source, 1);

    public IReadOnlyDictionary<TopicPartition, long> InProgress(long nextRow) =>
        new Dictionary<TopicPartition, long> { [Progress] = nextRow, [Completion] = 0 };

    public IReadOnlyDictionary<TopicPartition, long> Done(long rows) =>
        new Dictionary<TopicPartition, long> { [Progress] = rows, [Completion] = 1 };

    public static bool TryParse(string topic, out string sha)
    {
        sha = topic.StartsWith("file:", StringComparison.Ordinal) ? topic[5..] : "";
        return sha.Length == 64;
    }

    /// <summary>Where a previous run left this file.</summary>
    public (bool Done, long NextRow) Read(IReadOnlyDictionary<TopicPartition, long> offsets) =>
        (offsets.GetValueOrDefault(Completion) == 1, offsets.GetValueOrDefault(Progress));
}
