using Microsoft.Extensions.Logging;

namespace Emporium.Log.Kafka;

/// <summary>Whether the cluster is known to be down, so that appends fail at once instead of each waiting
/// <see cref="KafkaLogOptions.DeliveryTimeout"/> (30 s) for a delivery report that cannot come. librdkafka's word that it
/// lost a connection or every broker, a failed health ping, or an append the brokers did not acknowledge makes it
/// suspect the cluster; only a metadata request that then fails too confirms it. While down it asks again every <c>probeEvery</c> and is up again
/// at the first answer (a probe's, a health ping's or a delivery's), so no append is refused for one slow answer or
/// for longer than one probe after the brokers are back.</summary>
internal sealed class KafkaReachability(Func<CancellationToken, Task<string?>> probe, TimeSpan probeEvery, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private string? _down;
    private int _checking;

    /// <summary>Why the cluster is down (null while it is not known to be).</summary>
    public string? Down => Volatile.Read(ref _down);

    /// <summary>Starts probing unless a probe loop already runs.</summary>
    public void Suspect()
    {
        if (!_stop.IsCancellationRequested && Interlocked.CompareExchange(ref _checking, 1, 0) == 0)
        {
            _ = Task.Run(ProbeUntilUpAsync);
        }
    }

    /// <summary>A broker answered.</summary>
    public void Answered()
    {
        if (Interlocked.Exchange(ref _down, null) is not null)
        {
            logger.LogInformation("kafka: a broker answers again; appends are taken again");
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task ProbeUntilUpAsync()
    {
        try
        {
            var token = _stop.Token;
            while (!token.IsCancellationRequested)
            {
                if (await probe(token).ConfigureAwait(false) is not { } failure)
                {
                    Answered();
                    return;
                }
                if (Interlocked.Exchange(ref _down, failure) is null)
                {
                    logger.LogWarning("kafka: {Reason}; appends are refused at once until a broker answers", failure);
                }
                await Task.Delay(probeEvery, time, token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Disposed with the log.
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }
}
