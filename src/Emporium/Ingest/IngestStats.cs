using System.Collections.Concurrent;
using Emporium.Datasets;

namespace Emporium.Ingest;

/// <summary>Counters of the ingest path since start-up, and the accepted-records rate over a sliding window (all
/// datasets and per dataset), for /metrics and /api/v1/datasets.</summary>
public sealed class IngestStats(IngestOptions options, TimeProvider time)
{
    private readonly EventRateWindow _rate = new(options.RateWindow, time);
    private readonly ConcurrentDictionary<string, EventRateWindow> _rates = new(StringComparer.Ordinal);
    private long _requests;
    private long _accepted;
    private long _rejected;
    private long _refused;

    public long Requests => Interlocked.Read(ref _requests);

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Requests refused for back-pressure (lag or full disk).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>Seconds the rates are averaged over (<see cref="IngestOptions.RateWindow"/>).</summary>
    public int RateWindowSeconds => _rate.WindowSeconds;

    /// <summary>Accepted records per second over the last <see cref="RateWindowSeconds"/>, all datasets.</summary>
    public double AcceptedPerSecond => _rate.PerSecond();

    /// <summary>Accepted records per second of one dataset (0 when nothing was accepted for it); for
    /// <see cref="DatasetCatalog.DeadLetters"/>, the records rejected per second, which is the rate they land there.</summary>
    public double AcceptedPerSecondOf(string dataset) => _rates.TryGetValue(dataset, out var w) ? w.PerSecond() : 0;

    public void Record(IngestResult result)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _accepted, result.Accepted);
        Interlocked.Add(ref _rejected, result.Rejected);
        _rate.Add(result.Accepted);
        _rates.GetOrAdd(result.Dataset, _ => new EventRateWindow(options.RateWindow, time)).Add(result.Accepted);
        if (result.Rejected > 0)
        {
            _rates.GetOrAdd(DatasetCatalog.DeadLetters.Name, _ => new EventRateWindow(options.RateWindow, time)).Add(result.Rejected);
        }
    }

    public void RecordRefused() => Interlocked.Increment(ref _refused);
}
