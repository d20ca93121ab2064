namespace Emporium.Log.Kafka;

/// <summary>The calls in progress on one librdkafka client, so that it is destroyed only once none is left.
/// Destroying a client frees memory that a call still running on another thread reads: a metadata request waiting
/// for a broker (a health ping its caller gave up on keeps waiting up to its own timeout) crashed the whole process
/// with a segmentation fault inside librdkafka. Calls begun after <see cref="CloseAsync"/> are refused instead.</summary>
internal sealed class KafkaClientUse
{
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _calls;
    private int _closed;

    /// <summary>Calls begun and not yet ended.</summary>
    public int InProgress => Volatile.Read(ref _calls);

    /// <summary>Runs a blocking call on the client, or throws <see cref="ObjectDisposedException"/> once it is closing.</summary>
    public T Run<T>(Func<T> call)
    {
        Enter();
        try
        {
            return call();
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Runs a blocking call on the client; false (nothing run) once it is closing.</summary>
    public bool TryRun(Action call)
    {
        if (!TryEnter())
        {
            return false;
        }
        try
        {
            call();
            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Counts an asynchronous request as in progress until it has ended: the client must outlive its answer.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> request)
    {
        Enter();
        try
        {
            return await request().ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    public Task RunAsync(Func<Task> request) => RunAsync(async () =>
    {
        await request().ConfigureAwait(false);
        return true;
    });

    /// <summary>Refuses new calls and completes once the calls in progress have ended (each is bounded by its own
    /// timeout), after which the client may be destroyed.</summary>
    public Task CloseAsync()
    {
        // Interlocked on both sides: a call counts itself before it looks at _closed, and the close sets _closed before
        // it looks at the count, so one of the two always sees the other.
        if (Interlocked.Exchange(ref _closed, 1) == 0 && Interlocked.CompareExchange(ref _calls, 0, 0) == 0)
        {
            _idle.TrySetResult();
        }
        return _idle.Task;
    }

    private void Enter()
    {
        if (!TryEnter())
        {
            throw new ObjectDisposedException(nameof(KafkaEventLog), "the Kafka client is closing");
        }
    }

    private bool TryEnter()
    {
        Interlocked.Increment(ref _calls);
        if (Interlocked.CompareExchange(ref _closed, 0, 0) == 0)
        {
            return true;
        }
        Exit();
        return false;
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _calls) == 0 && Interlocked.CompareExchange(ref _closed, 0, 0) == 1)
        {
            _idle.TrySetResult();
        }
    }
}
