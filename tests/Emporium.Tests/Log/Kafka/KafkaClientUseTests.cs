using Emporium.Log.Kafka;

namespace Emporium.Tests.Log.Kafka;

public sealed class KafkaClientUseTests
{
    [Fact]
    public async Task Closing_completes_only_once_the_call_in_progress_has_returned()
    {
        var use = new KafkaClientUse();
        using var inside = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var call = Task.Run(() => use.Run(() =>
        {
            inside.Set();
            release.Wait();
            return 1;
        }));
        inside.Wait();

        var closing = use.CloseAsync();

        Assert.False(closing.IsCompleted);
        Assert.Equal(1, use.InProgress);
        release.Set();
        await closing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await call);
        Assert.Equal(0, use.InProgress);
    }

    [Fact]
    public async Task An_asynchronous_request_counts_until_its_answer_and_closing_waits_for_it()
    {
        var use = new KafkaClientUse();
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var request = use.RunAsync(() => answer.Task);

        var closing = use.CloseAsync();

        Assert.False(closing.IsCompleted);
        answer.SetResult(7);
        Assert.Equal(7, await request);
        await closing.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Calls_after_closing_are_refused_without_running()
    {
        var use = new KafkaClientUse();
        await use.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var ran = false;

        Assert.False(use.TryRun(() => ran = true));
        Assert.Throws<ObjectDisposedException>(() => use.Run(() => ran = true));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => use.RunAsync(() => Task.FromResult(ran = true)));
        Assert.False(ran);
        Assert.Equal(0, use.InProgress);
    }

    [Fact]
    public async Task A_call_that_throws_still_ends_its_count()
    {
        var use = new KafkaClientUse();

        Assert.Throws<InvalidOperationException>(() => use.Run<int>(() => throw new InvalidOperationException("refused")));

        Assert.Equal(0, use.InProgress);
        await use.CloseAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
