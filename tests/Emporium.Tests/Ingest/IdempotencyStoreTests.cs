using Emporium.Ingest;
using Emporium.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Emporium.Tests.Ingest;

public class IdempotencyStoreTests
{
    [Fact]
    public async Task SecondCallReplaysAndSurvivesRestart()
    {
        using var dir = new TempDir("idem");
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var runs = 0;
        Task<IdempotentResponse> Action(IdempotencyStore store) =>
            Task.FromResult(new IdempotentResponse(202, $"{{\"run\":{Interlocked.Increment(ref runs)}}}", "h1", store.NewExpiry()));
        using (var store = new IdempotencyStore(dir.Path, TimeSpan.FromHours(1), time))
        {
            var first = await store.RunAsync("k", "h1", _ => Action(store), CancellationToken.None);
            var second = await store.RunAsync("k", "h1", _ => Action(store), CancellationToken.None);
            Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
            Assert.Equal(IdempotencyOutcome.Replayed, second.Outcome);
            Assert.Equal(first.Response.Body, second.Response.Body);
            Assert.Equal(IdempotencyOutcome.KeyReused, (await store.RunAsync("k", "other", _ => Action(store), CancellationToken.None)).Outcome);
        }
        using (var reopened = new IdempotencyStore(dir.Path, TimeSpan.FromHours(1), time))
        {
            var again = await reopened.RunAsync("k", "h1", _ => Action(reopened), CancellationToken.None);
            Assert.Equal(IdempotencyOutcome.Replayed, again.Outcome);
            Assert.Equal("{\"run\":1}", again.Response.Body);
            time.Advance(TimeSpan.FromHours(2));
            var expired = await reopened.RunAsync("k", "h1", _ => Action(reopened), CancellationToken.None);
            Assert.Equal(IdempotencyOutcome.Executed, expired.Outcome);
        }
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task RetryableResponsesAreNotRemembered()
    {
        using var dir = new TempDir("idem");
        using var store = new IdempotencyStore(dir.Path, TimeSpan.FromHours(1), TimeProvider.System);
        var status = 429;
        var first = await store.RunAsync("k", "h", _ => Task.FromResult(new IdempotentResponse(status, "{}", "h", store.NewExpiry())), CancellationToken.None);
        status = 202;
        var second = await store.RunAsync("k", "h", _ => Task.FromResult(new IdempotentResponse(status, "{}", "h", store.NewExpiry())), CancellationToken.None);
        Assert.Equal(429, first.Response.Status);
        Assert.Equal(IdempotencyOutcome.Executed, second.Outcome);
        Assert.Equal(202, second.Response.Status);
    }

    [Fact]
    public async Task ConcurrentSameKeyRunsOnce()
    {
        using var dir = new TempDir("idem");
        using var store = new IdempotencyStore(dir.Path, TimeSpan.FromHours(1), TimeProvider.System);
        var runs = 0;
        var gate = new TaskCompletionSource();
        var calls = Enumerable.Range(0, 8).Select(_ => store.RunAsync("k", "h", async _ =>
        {
            Interlocked.Increment(ref runs);
            await gate.Task;
            return new IdempotentResponse(202, "{}", "h", store.NewExpiry());
        }, CancellationToken.None)).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(calls);
        Assert.Equal(1, runs);
        Assert.Equal(1, results.Count(r => r.Outcome == IdempotencyOutcome.Executed));
    }
}
