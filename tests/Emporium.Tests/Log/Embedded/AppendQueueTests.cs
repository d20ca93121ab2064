using Emporium.Log;
using Emporium.Log.Embedded;

namespace Emporium.Tests.Log.Embedded;

public sealed class AppendQueueTests
{
    private static AppendRequest Request(long bytes) => new([new LogMessage(null, new byte[1])], bytes);

    [Fact]
    public async Task AnEnqueueWakesTheSleepingWriter()
    {
        var queue = new AppendQueue();
        using var woke = new ManualResetEventSlim();
        var writer = new Thread(() =>
        {
            if (queue.WaitForAny())
            {
                woke.Set();
            }
        }) { IsBackground = true };
        writer.Start();
        // Park the writer first: the wake-up under test is the one from sleep, not the early return.
        while ((writer.ThreadState & ThreadState.WaitSleepJoin) == 0)
        {
            await Task.Delay(1);
        }

        Assert.True(queue.TryEnqueue(Request(10)));
        Assert.True(woke.Wait(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void DrainStopsOnceTheBatchReachesItsBytesAndLeavesTheRest()
    {
        var queue = new AppendQueue();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(queue.TryEnqueue(Request(100)));
        }

        var batch = new List<AppendRequest>();
        Assert.Equal(300, queue.Drain(batch, 0, 250));
        Assert.Equal(3, batch.Count);
        Assert.Equal(500, queue.Drain(batch, 300, 1_000));
        Assert.Equal(5, batch.Count);
        Assert.Equal(500, queue.Drain(batch, 500, 1_000));
    }

    [Fact]
    public void WaitForMoreTimesOutWhenNothingComes()
    {
        var queue = new AppendQueue();
        Assert.False(queue.WaitForMore(TimeSpan.FromMilliseconds(20)));
        Assert.True(queue.TryEnqueue(Request(1)));
        Assert.True(queue.WaitForMore(TimeSpan.FromMilliseconds(20)));
    }

    [Fact]
    public void ACompletedQueueRefusesNewRequestsButHandsOverTheQueuedOnes()
    {
        var queue = new AppendQueue();
        Assert.True(queue.TryEnqueue(Request(1)));
        queue.Complete();
        Assert.False(queue.TryEnqueue(Request(1)));
        Assert.True(queue.WaitForAny());
        var batch = new List<AppendRequest>();
        queue.Drain(batch, 0, long.MaxValue);
        Assert.Single(batch);
        Assert.False(queue.WaitForAny());
        Assert.False(queue.WaitForMore(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task CompletingWakesAWriterWaitingForTheFirstRequest()
    {
        var queue = new AppendQueue();
        var waiting = Task.Factory.StartNew(queue.WaitForAny, TaskCreationOptions.LongRunning);
        await Task.Delay(20);
        queue.Complete();
        Assert.False(await waiting.WaitAsync(TimeSpan.FromSeconds(60)));
    }
}
