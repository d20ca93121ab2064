using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Ingest;
using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Ingest;

/// <summary>The crash the Idempotency-Key used to miss: the request's records are durable in the log, then the
/// server dies before the response is recorded. The store must find the request in the log tail on start, so the
/// client's retry gets the answer the first attempt had and appends nothing.</summary>
public class IdempotencyCrashTests
{
    private const string Key = "/api/v1/ingest/reviews\u001fretry-after-crash";

    private sealed class SimulatedCrash() : Exception("simulated crash between log append and idempotency record");

    [Fact]
    public async Task RetryAfterACrashBetweenAppendAndRecordReturnsTheOriginalAnswerAndAppendsNothing()
    {
        using var dir = new TempDir("idem-crash");
        // Real McAuley lines plus one that cannot be read: the request appends reviews and a dead letter.
        var lines = File.ReadLines(SampleData.McAuleyReviews).Take(6).Append("{\"overall\": 5, \"asin\": ").ToList();
        var body = Encoding.UTF8.GetBytes(string.Join('\n', lines));
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));

        IdempotentResponse? firstAnswer = null;
        await using (var log = await OpenLogAsync(dir))
        {
            var store = new IdempotencyStore(dir.Combine("ingest"), TimeSpan.FromHours(1), TimeProvider.System);
            await store.AttachLogAsync(log, Topics, CancellationToken.None);
            store.BeforeRemember = () => throw new SimulatedCrash();
            await Assert.ThrowsAsync<SimulatedCrash>(() => store.RunAsync(Key, hash, async (tag, ct) =>
                firstAnswer = await IngestAsync(log, body, hash, tag, ct), CancellationToken.None));
            // The process "dies" here: the store is abandoned, not disposed, so it writes nothing more.
        }
        Assert.NotNull(firstAnswer);
        Assert.Contains("\"Accepted\":6", firstAnswer.Body);
        Assert.Contains("\"Rejected\":1", firstAnswer.Body);

        await using (var log = await OpenLogAsync(dir))
        {
            var before = await EndsAsync(log);
            Assert.Equal(6, before[DatasetCatalog.Reviews.Name]);
            Assert.Equal(1, before[DatasetCatalog.DeadLetters.Name]);

            using var store = new IdempotencyStore(dir.Combine("ingest"), TimeSpan.FromHours(1), TimeProvider.System);
            await store.AttachLogAsync(log, Topics, CancellationToken.None);
            Assert.Equal(1, store.InDoubtCount);

            var (retry, outcome) = await store.RunAsync(Key, hash, (tag, ct) => IngestAsync(log, body, hash, tag, ct), CancellationToken.None);
            Assert.Equal(IdempotencyOutcome.Executed, outcome);
            Assert.Equal(firstAnswer.Body, retry.Body);
            Assert.Equal(before, await EndsAsync(log));

            var (again, replayed) = await store.RunAsync(Key, hash, (_, _) => throw new InvalidOperationException("must not run"), CancellationToken.None);
            Assert.Equal(IdempotencyOutcome.Replayed, replayed);
            Assert.Equal(firstAnswer.Body, again.Body);

            var other = Convert.ToHexStringLower(SHA256.HashData("{}"u8));
            Assert.Equal(IdempotencyOutcome.KeyReused, (await store.RunAsync(Key, other, (_, _) => throw new InvalidOperationException("must not run"), CancellationToken.None)).Outcome);
        }
    }

    [Fact]
    public async Task ARequestInDoubtStaysKnownAcrossASecondRestartUntilItIsRetried()
    {
        using var dir = new TempDir("idem-crash2");
        var body = Encoding.UTF8.GetBytes(string.Join('\n', File.ReadLines(SampleData.McAuleyReviews).Skip(10).Take(3)));
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        await using (var log = await OpenLogAsync(dir))
        {
            var store = new IdempotencyStore(dir.Combine("ingest"), TimeSpan.FromHours(1), TimeProvider.System);
            await store.AttachLogAsync(log, Topics, CancellationToken.None);
            store.BeforeRemember = () => throw new SimulatedCrash();
            await Assert.ThrowsAsync<SimulatedCrash>(() => store.RunAsync(Key, hash, (tag, ct) => IngestAsync(log, body, hash, tag, ct), CancellationToken.None));
        }
        // First restart: found in the tail and the checkpoint moves past it; second restart: still known.
        for (var restart = 0; restart < 2; restart++)
        {
            await using var log = await OpenLogAsync(dir);
            using var store = new IdempotencyStore(dir.Combine("ingest"), TimeSpan.FromHours(1), TimeProvider.System);
            await store.AttachLogAsync(log, Topics, CancellationToken.None);
            await store.CheckpointAsync(CancellationToken.None);
            Assert.Equal(1, store.InDoubtCount);
        }
        await using (var log = await OpenLogAsync(dir))
        {
            using var store = new IdempotencyStore(dir.Combine("ingest"), TimeSpan.FromHours(1), TimeProvider.System);
            await store.AttachLogAsync(log, Topics, CancellationToken.None);
            var before = await EndsAsync(log);
            var (retry, _) = await store.RunAsync(Key, hash, (tag, ct) => IngestAsync(log, body, hash, tag, ct), CancellationToken.None);
            Assert.Equal(202, retry.Status);
            Assert.Equal(before, await EndsAsync(log));
            Assert.Equal(0, store.InDoubtCount);
        }
    }

    /// <summary>A full disk where the log still has room (its segments are padded ahead of their records) but the
    /// store's file has none: the request's records are in the log, so it is answered as appended, never as a 503
    /// whose retry with the same key would append it again; the answer is written once the disk has room, and the
    /// checkpoint stays before the request until then, so a restart meanwhile still finds it in the log.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_request_appended_while_the_store_cannot_write_is_answered_and_its_retry_appends_nothing(bool restartBeforeTheDiskHasRoom)
    {
        using var dir = new TempDir("idem-full");
        var body = Encoding.UTF8.GetBytes(string.Join('\n', File.ReadLines(SampleData.McAuleyReviews).Skip(20).Take(4)));
        var hash = Convert.ToHexStringLower(SHA256.HashData(body));
        IdempotentResponse first;
        Dictionary<string, long> appended;
        await using (var log = await OpenLogAsync(dir))
        {
            var store = new IdempotencyStore(dir.Combine("ingest"), TimeSpan.FromHours(1), TimeProvider.System);
            await store.AttachLogAsync(log, Topics, CancellationToken.None);
            store.WriteFault = () => new IOException("No space left on device", 28);

            (first, var outcome) = await store.RunAsync(Key, hash, (tag, ct) => IngestAsync(log, body, hash, tag, ct), CancellationToken.None);
            Assert.Equal((202, IdempotencyOutcome.Executed), (first.Status, outcome));
            appended = await EndsAsync(log);
            Assert.Equal(4, appended[DatasetCatalog.Reviews.Name]);
            var (retry, retried) = await store.RunAsync(Key, hash, (_, _) => throw new InvalidOperationException("must not run"), CancellationToken.None);
            Assert.Equal((first.Body, IdempotencyOutcome.Replayed), (retry.Body, retried));
            await Assert.ThrowsAnyAsync<IOException>(() => store.CheckpointAsync(CancellationToken.None));

            if (!restartBeforeTheDiskHasRoom)
            {
                store.WriteFault = null;
                await store.CheckpointAsync(CancellationToken.None);
                store.Dispose();
            }
            // Otherwise the process dies here with the answer unwritten.
        }

        await using (var log = await OpenLogAsync(dir))
        {
            using var store = new IdempotencyStore(dir.Combine("ingest"), TimeSpan.FromHours(1), TimeProvider.System);
            await store.AttachLogAsync(log, Topics, CancellationToken.None);
            var (retry, _) = await store.RunAsync(Key, hash, (tag, ct) => IngestAsync(log, body, hash, tag, ct), CancellationToken.None);
            Assert.Equal(first.Body, retry.Body);
            Assert.Equal(appended, await EndsAsync(log));
        }
    }

    private static readonly string[] Topics = [.. DatasetCatalog.Streamed.Select(d => d.Name)];

    private static async Task<IdempotentResponse> IngestAsync(IEventLog log, byte[] body, string hash, IngestTag tag, CancellationToken ct)
    {
        var pipeline = new IngestPipeline(log, RecordNormalizer.Instance, new IngestStats(new IngestOptions(), TimeProvider.System), TimeProvider.System);
        var result = await pipeline.IngestAsync(DatasetCatalog.Reviews, IngestBodyParser.Parse(body, BodyFormat.NdJson), "http:/api/v1/ingest/reviews", tag, ct);
        return new IdempotentResponse(202, JsonSerializer.Serialize(result), hash, DateTimeOffset.UtcNow.AddHours(1));
    }

    /// <summary>The log with every ingest topic created, as the host opens it.</summary>
    private static async Task<EmbeddedEventLog> OpenLogAsync(TempDir dir)
    {
        var log = await EmbeddedEventLog.OpenAsync(new EmbeddedLogOptions { Directory = dir.Combine("log") });
        foreach (var topic in Topics)
        {
            await log.EnsureTopicAsync(topic, 4, CancellationToken.None);
        }
        return log;
    }

    private static async Task<Dictionary<string, long>> EndsAsync(IEventLog log)
    {
        var ends = new Dictionary<string, long>();
        foreach (var topic in Topics)
        {
            ends[topic] = (await log.GetEndOffsetsAsync(topic, CancellationToken.None)).Values.Sum();
        }
        return ends;
    }
}
