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

    /// <summary>A retry that looks the key up just before the first attempt remembers its answer, and takes the key just
    /// after that attempt let it go, ran the request a second time (two appends, two "executed" answers). The look-up
    /// happens between the two here: a key whose earlier answer expired makes it read the clock, which holds it there.</summary>
    [Fact]
    public async Task A_run_that_ends_between_a_retrys_look_up_and_its_taking_the_key_is_replayed_not_run_again()
    {
        using var dir = new TempDir("idem");
        var time = new PausingTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        using var store = new IdempotencyStore(dir.Path, TimeSpan.FromHours(1), time);
        var runs = 0;
        Task<IdempotentResponse> Action() =>
            Task.FromResult(new IdempotentResponse(202, $"{{\"run\":{Interlocked.Increment(ref runs)}}}", "h", store.NewExpiry()));
        await store.RunAsync("k", "h", _ => Action(), CancellationToken.None);
        time.Advance(TimeSpan.FromHours(2));

        var held = time.HoldNextReader();
        var retry = Task.Run(() => store.RunAsync("k", "h", _ => Action(), CancellationToken.None));
        await held.Reading.WaitAsync(TimeSpan.FromSeconds(30));
        var first = await store.RunAsync("k", "h", _ => Action(), CancellationToken.None);
        held.Release();
        var second = await retry.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(IdempotencyOutcome.Executed, first.Outcome);
        Assert.Equal(IdempotencyOutcome.Replayed, second.Outcome);
        Assert.Equal(first.Response.Body, second.Response.Body);
        Assert.Equal(2, runs);
    }

    /// <summary>A clock that can stop the next caller that reads it until the test lets it go.</summary>
    private sealed class PausingTimeProvider(DateTimeOffset start) : TimeProvider
    {
        private readonly Lock _lock = new();
        private DateTimeOffset _now = start;
        private Hold? _hold;

        public override DateTimeOffset GetUtcNow()
        {
            Hold? hold;
            DateTimeOffset now;
            lock (_lock)
            {
                (hold, _hold) = (_hold, null);
                now = _now;
            }
            if (hold is not null)
            {
                hold.Reached.SetResult();
                hold.Released.Wait(TimeSpan.FromSeconds(30));
            }
            return now;
        }

        public void Advance(TimeSpan by)
        {
            lock (_lock)
            {
                _now += by;
            }
        }

        public Hold HoldNextReader()
        {
            var hold = new Hold();
            lock (_lock)
            {
                _hold = hold;
            }
            return hold;
        }

        public sealed class Hold
        {
            internal TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            internal ManualResetEventSlim Released { get; } = new();

            public Task Reading => Reached.Task;

            public void Release() => Released.Set();
        }
    }
}
