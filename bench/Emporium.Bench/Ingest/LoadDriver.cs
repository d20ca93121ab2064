using System.Diagnostics;
using System.Net.Http.Headers;

namespace Emporium.Bench.Ingest;

/// <summary>Closed-loop HTTP load: <c>workers</c> clients each post bodies back to back for a fixed time, recording
/// every request's latency, and the CPU time the whole process used meanwhile (server, processor and client share the
/// process, so CPU per event is robust to other tenants in a way events/s is not). Bounded in time and aimed at
/// loopback only.</summary>
public static class LoadDriver
{
    public sealed record Result(long Requests, long Events, double Seconds, IReadOnlyList<double> LatenciesMs, long Failures, double CpuSeconds)
    {
        /// <summary>A phase that did not run.</summary>
        public static Result None { get; } = new(0, 0, 1, [0], 0, 0);

        /// <summary>Process CPU time per accepted event, in microseconds.</summary>
        public double CpuMicrosPerEvent => CpuSeconds * 1e6 / Math.Max(1, Events);

        /// <summary>Process CPU time per request, in microseconds.</summary>
        public double CpuMicrosPerRequest => CpuSeconds * 1e6 / Math.Max(1, Requests);

        public double RequestsPerSecond => Requests / Seconds;

        public double EventsPerSecond => Events / Seconds;

        /// <summary>Phases of one shape run at different times, as one: their counts, seconds and CPU add up.</summary>
        public static Result Combine(IReadOnlyList<Result> parts) => new(
            parts.Sum(x => x.Requests), parts.Sum(x => x.Events), parts.Sum(x => x.Seconds),
            parts.SelectMany(x => x.LatenciesMs).ToList(), parts.Sum(x => x.Failures), parts.Sum(x => x.CpuSeconds));

        public double Percentile(double p)
        {
            if (LatenciesMs.Count == 0)
            {
                return double.NaN;
            }
            var sorted = LatenciesMs.Order().ToArray();
            return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        }
    }

    public static async Task<Result> RunAsync(HttpClient http, string url, IReadOnlyList<byte[]> bodies, int eventsPerBody, string contentType,
        int workers, TimeSpan duration, CancellationToken ct)
    {
        var latencies = new List<double>[workers];
        var failures = 0L;
        var requests = 0L;
        using var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stop = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, workers).Select(async w =>
        {
            var mine = latencies[w] = new List<double>(4096);
            var i = w;
            while (stop.Elapsed < duration && !ct.IsCancellationRequested)
            {
                var content = new ByteArrayContent(bodies[i++ % bodies.Count]);
                content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(url, content, ct);
                await response.Content.LoadIntoBufferAsync(ct);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if ((int)response.StatusCode != 202)
                {
                    Interlocked.Increment(ref failures);
                }
                Interlocked.Increment(ref requests);
            }
        }).ToList();
        await Task.WhenAll(tasks);
        var seconds = stop.Elapsed.TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var ok = requests - failures;
        return new Result(requests, ok * eventsPerBody, seconds, latencies.SelectMany(l => l).ToList(), failures, cpu);
    }
}
