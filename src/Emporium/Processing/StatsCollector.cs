using Emporium.Log;

namespace Emporium.Processing;

/// <summary>Thread-safe counters behind <see cref="ProcessorStats"/>, with a ring of recent per-record freshness
/// samples for percentiles.</summary>
internal sealed class StatsCollector
{
    private const int Window = 8192;
    private readonly Lock _gate = new();
    private readonly double[] _freshnessMs = new double[Window];
    private int _samples;
    private int _next;
    private long _batches, _records, _rows, _failures, _poison, _refused, _retried, _lakeFlushes, _lakeRecords, _compactions, _filesCompacted;
    private int _lakePending;
    private IReadOnlyDictionary<TopicPartition, long> _lakePositions = new Dictionary<TopicPartition, long>();
    private TimeSpan _lastLatency, _lastFreshness;
    private DateTimeOffset? _lastCommit;
    private IReadOnlyDictionary<TopicPartition, long> _positions = new Dictionary<TopicPartition, long>();
    private string? _lastError;

    public void Committed(int records, int rows, TimeSpan latency, IEnumerable<TimeSpan> freshness, DateTimeOffset at, IReadOnlyDictionary<TopicPartition, long> positions)
    {
        lock (_gate)
        {
            _batches++;
            _records += records;
            _rows += rows;
            _lastLatency = latency;
            _lastCommit = at;
            _positions = new Dictionary<TopicPartition, long>(positions);
            var oldest = TimeSpan.Zero;
            foreach (var f in freshness)
            {
                oldest = f > oldest ? f : oldest;
                _freshnessMs[_next] = f.TotalMilliseconds;
                _next = (_next + 1) % Window;
                _samples = Math.Min(_samples + 1, Window);
            }
            _lastFreshness = oldest;
        }
    }

    public void SetPositions(IReadOnlyDictionary<TopicPartition, long> positions)
    {
        lock (_gate)
        {
            _positions = new Dictionary<TopicPartition, long>(positions);
        }
    }

    /// <summary>Entries waiting for the lake, after a batch was added to them (its positions have not moved).</summary>
    public void LakePending(int pending) => Volatile.Write(ref _lakePending, pending);

    /// <summary>The lake's state after a flush or a recovery.</summary>
    public void Lake(int flushedRecords, int pending, IReadOnlyDictionary<TopicPartition, long> positions)
    {
        lock (_gate)
        {
            if (flushedRecords > 0)
            {
                _lakeFlushes++;
                _lakeRecords += flushedRecords;
            }
            Volatile.Write(ref _lakePending, pending);
            _lakePositions = new Dictionary<TopicPartition, long>(positions);
        }
    }

    public void Compacted(CompactionReport report)
    {
        lock (_gate)
        {
            _compactions += report.Merges;
            _filesCompacted += report.FilesBefore;
        }
    }

    public void Failed(string error)
    {
        lock (_gate)
        {
            _failures++;
            _lastError = error;
        }
    }

    public void Poison()
    {
        lock (_gate)
        {
            _poison++;
        }
    }

    public void Refused()
    {
        lock (_gate)
        {
            _refused++;
        }
    }

    public void Retried(int records)
    {
        lock (_gate)
        {
            _retried += records;
        }
    }

    public ProcessorStats Snapshot()
    {
        lock (_gate)
        {
            var sorted = _freshnessMs.AsSpan(0, _samples).ToArray();
            Array.Sort(sorted);
            return new ProcessorStats(_batches, _records, _rows, _failures, _poison, _refused, _retried, _lastLatency, _lastFreshness,
                Percentile(sorted, 0.50), Percentile(sorted, 0.99), _lastCommit, _positions, _lastError,
                _lakeFlushes, _lakeRecords, Volatile.Read(ref _lakePending), _lakePositions, _compactions, _filesCompacted);
        }
    }

    private static TimeSpan Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)]);
}
