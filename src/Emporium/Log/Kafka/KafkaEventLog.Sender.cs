using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Emporium.Log.Kafka;

public sealed partial class KafkaEventLog
{
    private readonly Lock _senderGate = new();
    private Sender _sender;
    private volatile Error? _lastFatal;
    // Hosts the admin client's connections, so it lives as long as the log, replaced or not.
    private readonly Sender _firstSender;

    /// <summary>What failed a delivery: librdkafka fails the messages queued on a producer that failed for good with
    /// "Purged in queue" or "Fatal error"; the producer's own error says why.</summary>
    private Error FatalCause(Error error) =>
        error.Code is ErrorCode.Local_PurgeQueue or ErrorCode.Local_Fatal && _lastFatal is { } fatal ? fatal : error;

    /// <summary>A producer and the fatal error it reported, if any. An idempotent producer that meets certain broker
    /// answers (an out-of-order sequence, a refused InitProducerId) stops for good: every later message is refused at
    /// once. Kept, it failed every append until the process was restarted; it is now replaced at the next append.</summary>
    private sealed class Sender
    {
        public IProducer<string?, byte[]> Producer { get; set; } = null!;

        /// <summary>Sends in progress: a replaced producer is destroyed only once they have returned.</summary>
        public KafkaClientUse Use { get; } = new();

        public volatile Error? Fatal;
    }

    private Sender NewSender()
    {
        var sender = new Sender();
        sender.Producer = new ProducerBuilder<string?, byte[]>(ProducerConfig(Options))
            .SetLogHandler((_, m) => LogClientMessage(Logger, m))
            .SetErrorHandler((_, e) =>
            {
                LogClientError(Logger, e);
                if (e.IsFatal)
                {
                    sender.Fatal ??= e;
                    _lastFatal = e;
                }
                // librdkafka says "all brokers down" only once every broker it knows of has tried to connect and
                // failed, which took over 20 s on a busy machine; a lost connection starts the probe too (a probe that
                // gets an answer refuses nothing).
                if (e.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport)
                {
                    _reachability?.Suspect();
                }
            })
            .Build();
        return sender;
    }

    /// <summary>The producer to send with: a new one when the current one has failed for good. The first producer
    /// also hosts the admin client's connections, so it is kept until the log is disposed; later ones are disposed
    /// once replaced (their messages have failed already).</summary>
    private Sender CurrentSender()
    {
        var current = _sender;
        if (current.Fatal is null)
        {
            return current;
        }
        lock (_senderGate)
        {
            ThrowIfDisposed();
            if (_sender.Fatal is not { } fatal)
            {
                return _sender;
            }
            var failed = _sender;
            _sender = NewSender();
            Logger.LogWarning("kafka producer failed for good ({Reason}); a new producer takes its place", Reason(fatal));
            if (failed != _firstSender)
            {
                _ = RetireAsync(failed);
            }
            return _sender;
        }
    }

    /// <summary>Destroys a replaced producer once the sends that had taken it before it was replaced have returned.</summary>
    private static async Task RetireAsync(Sender failed)
    {
        await failed.Use.CloseAsync().ConfigureAwait(false);
        await Task.Run(failed.Producer.Dispose).ConfigureAwait(false);
    }

    /// <summary>For disposal (already marked): no producer replaces the current one after this.</summary>
    private (Sender First, Sender Current) CloseSenders()
    {
        lock (_senderGate)
        {
            return (_firstSender, _sender);
        }
    }

    /// <summary>librdkafka's reason, with what to change when it is a refusal an operator must fix.</summary>
    internal static string Reason(Error error) => error.Code switch
    {
        ErrorCode.ClusterAuthorizationFailed =>
            $"{error.Reason}: the cluster refuses this client idempotent writes; grant its principal IdempotentWrite on the cluster",
        ErrorCode.TopicAuthorizationFailed => $"{error.Reason}: grant this client's principal Write on the topic",
        _ => error.Reason,
    };
}
