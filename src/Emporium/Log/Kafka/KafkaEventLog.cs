using System.Collections.Concurrent;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Emporium.Log.Kafka;

/// <summary>The log on Kafka: one topic per dataset, an idempotent producer with <c>acks=all</c> whose appends
/// return only once every message has a delivery report from the broker, and consumers that are members of a
/// Kafka consumer group (<see cref="KafkaLogConsumer"/>). Keys are placed with <see cref="Embedded.KeyPartitioner"/>
/// (the partitioner of the embedded log and of Kafka's Java client), so a key lands in the same partition on
/// either backend.</summary>
public sealed partial class KafkaEventLog : IEventLog
{
    private readonly IProducer<string?, byte[]> _producer;
    private readonly IAdminClient _admin;
    private readonly ConcurrentDictionary<string, int> _partitionCounts = new(StringComparer.Ordinal);
    // The count each topic's keys are placed by, fixed at the first look for the life of the process: placing a key by
    // a count that grew while running would put its next versions in another partition than its earlier ones.
    private readonly ConcurrentDictionary<string, int> _placementCounts = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _topicCreation = new(1, 1);
    // Requests on the admin client, which shares the first producer's librdkafka client: it is destroyed after them.
    private readonly KafkaClientUse _adminUse = new();
    private readonly KafkaReachability? _reachability;
    private int _roundRobin = -1;
    private int _disposed;

    private KafkaEventLog(KafkaLogOptions options, TimeProvider time, ILogger logger)
    {
        Options = options;
        Time = time;
        Logger = logger;
        _sender = _firstSender = NewSender();
        _producer = _sender.Producer;
        // Shares the producer's connections instead of opening its own.
        _admin = new DependentAdminClientBuilder(_producer.Handle).Build();
        _reachability = new KafkaReachability(ProbeAsync, options.DownProbeInterval, time, logger);
    }

    public KafkaLogOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILogger Logger { get; }

    public string Describe => $"kafka://{Options.BootstrapServers}";

    public int MaxRecordBytes => Options.MaxRecordBytes;

    /// <summary>Requests on the admin client not yet ended (a ping its caller gave up on runs to its own timeout).</summary>
    internal int AdminRequestsInProgress => _adminUse.InProgress;

    /// <summary>Whether every broker is known to be down, which refuses appends at once.</summary>
    internal KafkaReachability Reachability => _reachability!;

    /// <summary>Creates the log and checks that a broker answers a metadata request within
    /// <see cref="KafkaLogOptions.ConnectTimeout"/>; throws <see cref="KafkaException"/> (or
    /// <see cref="ArgumentException"/> for an invalid librdkafka property) otherwise.</summary>
    public static async Task<KafkaEventLog> ConnectAsync(KafkaLogOptions options, TimeProvider? time = null, ILogger? logger = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.DefaultPartitions, 1);
        var log = new KafkaEventLog(options, time ?? TimeProvider.System, logger ?? NullLogger.Instance);
        return await EventLogOpening.CheckOrDisposeAsync(log, l => l._adminUse.Run(() => l._admin.GetMetadata(options.ConnectTimeout)), ct).ConfigureAwait(false);
    }

    /// <summary>How long a health ping waits for the cluster's metadata: below the health check's own limit, so the
    /// blocking request ends by itself rather than being abandoned.</summary>
    private static readonly TimeSpan PingTimeout = TimeSpan.FromMilliseconds(1500);

    /// <summary>Asks a broker for the cluster's metadata: with every broker down an append only fails after
    /// <see cref="KafkaLogOptions.DeliveryTimeout"/> (30 s), which <c>/health</c> must not wait for.</summary>
    public async Task<string?> PingAsync(CancellationToken ct)
    {
        ThrowIfDisposed();
        // Before the request, not only around its wait: a metadata answer that came back before the wait began was
        // returned although the caller had given up, so a cancelled ping succeeded or not by the thread pool's timing.
        ct.ThrowIfCancellationRequested();
        var failure = await ProbeAsync(ct).ConfigureAwait(false);
        // An answer ends a known outage at once. A failure (perhaps only slow) proves nothing on its own, but starts the
        // probe that does: librdkafka's own "all brokers down" comes only once every broker it knows has tried to
        // connect, which took over 20 s on a busy machine while /health already said the log did not answer.
        if (failure is null)
        {
            _reachability?.Answered();
        }
        else
        {
            _reachability?.Suspect();
        }
        return failure;
    }

    private async Task<string?> ProbeAsync(CancellationToken ct)
    {
        try
        {
            // A caller that gives up leaves the request running to its own timeout; disposal waits for it (_adminUse).
            await Task.Run(() => _adminUse.Run(() => _admin.GetMetadata(PingTimeout)), CancellationToken.None).WaitAsync(ct).ConfigureAwait(false);
            return null;
        }
        catch (KafkaException e)
        {
            return $"{Describe} does not answer: {e.Error.Reason}";
        }
    }

    /// <summary>Creates the topic with <see cref="KafkaLogOptions.Partitions"/> (else <paramref name="partitions"/>) when
    /// missing; an existing topic must have that count, or this throws <see cref="LogUnavailableException"/> naming
    /// both (keys are placed by the count, so another count than the one they were placed by moves them).</summary>
    public async ValueTask EnsureTopicAsync(string topic, int partitions, CancellationToken ct)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var wanted = Options.Partitions ?? partitions;
        if (await FindPartitionCountAsync(topic, refresh: false, ct).ConfigureAwait(false) is { } existing)
        {
            PinPlacement(topic, existing, wanted);
            return;
        }
        await _topicCreation.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            try
            {
                await _adminUse.RunAsync(() => _admin.CreateTopicsAsync(
                    [new TopicSpecification { Name = topic, NumPartitions = wanted, ReplicationFactor = Options.ReplicationFactor }],
                    new CreateTopicsOptions { RequestTimeout = Options.RequestTimeout, OperationTimeout = Options.RequestTimeout })).ConfigureAwait(false);
            }
            catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
            {
                // Another process created it first; its count is checked below.
            }
            catch (KafkaException e)
            {
                // No rights to create topics, no controller, a replication factor above the broker count…: the
                // operator creates the topic or grants the right, so say which topic and how large.
                var reason = e is CreateTopicsException c
                    ? string.Join("; ", c.Results.Where(r => r.Error.IsError).Select(r => r.Error.Reason))
                    : e.Error.Reason;
                throw new LogUnavailableException(
                    $"cannot create topic '{topic}' ({wanted} partitions) on {Describe}: {reason}; create it on the cluster yourself, or let this client create topics", e);
            }
        }
        finally
        {
            _topicCreation.Release();
        }
        var created = await FindPartitionCountAsync(topic, refresh: true, ct).ConfigureAwait(false)
            ?? throw new LogUnavailableException($"Topic '{topic}' was created but is not in the metadata of {Describe}.");
        PinPlacement(topic, created, wanted);
    }

    /// <summary>Fixes the count the topic's keys are placed by, once it is the configured one.</summary>
    private void PinPlacement(string topic, int existing, int wanted)
    {
        if (existing != wanted)
        {
            throw new LogUnavailableException(
                $"topic '{topic}' on {Describe} has {existing} partitions, but {wanted} are configured (partitions=N in the log address, " +
                $"else the Partitions setting). Keys are placed by the partition count, so a product, review or category would get its " +
                $"next versions in another partition than its earlier ones, and an older version could land last. If partitions were " +
                $"added, stop every ingest process, let the processors catch up (lag 0), then configure partitions={existing}; " +
                $"if the topic was created with {existing}, configure partitions={existing}");
        }
        _placementCounts.TryAdd(topic, existing);
    }

    /// <summary>The count the topic's keys are placed by: the one it had when this process first looked.</summary>
    private async Task<int> PlacementCountAsync(string topic, CancellationToken ct)
    {
        if (_placementCounts.TryGetValue(topic, out var pinned))
        {
            return pinned;
        }
        var count = await FindPartitionCountAsync(topic, refresh: false, ct).ConfigureAwait(false)
                    ?? await CreateOnAppendAsync(topic, ct).ConfigureAwait(false);
        return _placementCounts.GetOrAdd(topic, count);
    }

    public async ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetEndOffsetsAsync(string topic, CancellationToken ct) =>
        await ListOffsetsAsync(topic, OffsetSpec.Latest(), ct).ConfigureAwait(false);

    /// <summary>Oldest offset still stored per partition (moves forward as the broker's retention deletes data).</summary>
    public async ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetStartOffsetsAsync(string topic, CancellationToken ct) =>
        await ListOffsetsAsync(topic, OffsetSpec.Earliest(), ct).ConfigureAwait(false);

    /// <summary>The group's committed offsets (what consumers reported as processed); 0 where nothing was committed.</summary>
    public async ValueTask<IReadOnlyDictionary<TopicPartition, long>> GetGroupOffsetsAsync(string group, string topic, CancellationToken ct)
    {
        ThrowIfDisposed();
        var partitions = await PartitionsOfAsync(topic, ct).ConfigureAwait(false);
        var results = await AdminAsync(() => _admin.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(group, partitions.Select(p => new Confluent.Kafka.TopicPartition(topic, p)).ToList())],
            new ListConsumerGroupOffsetsOptions { RequestTimeout = Options.RequestTimeout })).ConfigureAwait(false);
        return results.SelectMany(r => r.Partitions)
            .ToDictionary(p => new TopicPartition(p.Topic, p.Partition.Value), p => p.Offset.Value >= 0 ? p.Offset.Value : 0);
    }

    public ILogConsumer OpenConsumer(string group, IReadOnlyCollection<string> topics)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrEmpty(group);
        ArgumentNullException.ThrowIfNull(topics);
        return new KafkaLogConsumer(this, group, [.. topics]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Every append waits for its delivery reports, so nothing acknowledged is still queued; flushing only
        // bounds how long unacknowledged (cancelled) sends may take.
        _reachability?.Dispose();
        var (first, current) = CloseSenders();
        var ended = Task.WhenAll(_adminUse.CloseAsync(), first.Use.CloseAsync(), current.Use.CloseAsync());
        // Each request ends by its own timeout; one that does not (a client defect) leaves the clients to the process's
        // exit rather than destroying them under it.
        var limit = Options.RequestTimeout + Options.CloseTimeout;
        if (await Task.WhenAny(ended, Task.Delay(limit, Time)).ConfigureAwait(false) != ended)
        {
            Logger.LogWarning("kafka requests still running {Limit} after the log was closed; its clients are abandoned undestroyed", limit);
            _topicCreation.Dispose();
            return;
        }
        await Task.Run(() =>
        {
            _admin.Dispose();
            if (current != first)
            {
                current.Producer.Flush(Options.RequestTimeout);
                current.Producer.Dispose();
            }
            _producer.Flush(Options.RequestTimeout);
            _producer.Dispose();
        }).ConfigureAwait(false);
        _topicCreation.Dispose();
    }

    internal ClientConfig ClientConfig() => ClientConfig(Options);

    /// <summary>Refuses at once while every broker is known to be down, rather than waiting for a request to time out.</summary>
    private void ThrowIfKnownDown()
    {
        if (_reachability?.Down is { } down)
        {
            throw new LogUnavailableException($"{down}; requests are refused until a broker answers again");
        }
    }

    /// <summary>An admin request the cluster did not answer (no partition leader, a timeout) is the log being
    /// unavailable, as for an append; it also makes the log check whether every broker is gone.</summary>
    private async Task<T> AdminAsync<T>(Func<Task<T>> request)
    {
        ThrowIfKnownDown();
        try
        {
            return await _adminUse.RunAsync(request).ConfigureAwait(false);
        }
        catch (KafkaException e)
        {
            _reachability?.Suspect();
            throw new LogUnavailableException($"{Describe} does not answer: {e.Error.Reason}", e);
        }
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private async Task<Dictionary<TopicPartition, long>> ListOffsetsAsync(string topic, OffsetSpec spec, CancellationToken ct)
    {
        ThrowIfDisposed();
        var partitions = await PartitionsOfAsync(topic, ct).ConfigureAwait(false);
        var result = await AdminAsync(() => _admin.ListOffsetsAsync(
            partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = new Confluent.Kafka.TopicPartition(topic, p), OffsetSpec = spec }),
            new ListOffsetsOptions { RequestTimeout = Options.RequestTimeout })).ConfigureAwait(false);
        return result.ResultInfos.ToDictionary(
            r => new TopicPartition(r.TopicPartitionOffsetError.Topic, r.TopicPartitionOffsetError.Partition.Value),
            r => r.TopicPartitionOffsetError.Offset.Value);
    }

    private async Task<IEnumerable<int>> PartitionsOfAsync(string topic, CancellationToken ct)
    {
        var count = await FindPartitionCountAsync(topic, refresh: false, ct).ConfigureAwait(false)
                    ?? throw new KeyNotFoundException($"Topic '{topic}' does not exist in {Describe}.");
        return Enumerable.Range(0, count);
    }

    /// <summary>Partition count of a topic from the cluster metadata (cached; partitions are never removed), or null
    /// when the topic does not exist. All topics are requested: asking for one by name may auto-create it.</summary>
    internal async Task<int?> FindPartitionCountAsync(string topic, bool refresh, CancellationToken ct)
    {
        if (!refresh && _partitionCounts.TryGetValue(topic, out var cached))
        {
            return cached;
        }
        var metadata = await Task.Run(() => _adminUse.Run(() => _admin.GetMetadata(Options.RequestTimeout)), ct).ConfigureAwait(false);
        foreach (var t in metadata.Topics)
        {
            if (t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0)
            {
                var previous = _partitionCounts.GetValueOrDefault(t.Topic);
                _partitionCounts[t.Topic] = t.Partitions.Count;
                if (previous != t.Partitions.Count && _placementCounts.TryGetValue(t.Topic, out var pinned) && pinned != t.Partitions.Count)
                {
                    Logger.LogWarning(
                        "topic '{Topic}' now has {Partitions} partitions; this process keeps placing keys by the {Pinned} it started with, " +
                        "and its next start refuses the changed count until it is configured (partitions={Partitions})",
                        t.Topic, t.Partitions.Count, pinned, t.Partitions.Count);
                }
            }
        }
        return _partitionCounts.TryGetValue(topic, out var count) ? count : null;
    }

    private static ClientConfig ClientConfig(KafkaLogOptions options)
    {
        var config = new ClientConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = "emporium",
            SocketConnectionSetupTimeoutMs = (int)options.ConnectTimeout.TotalMilliseconds,
        };
        foreach (var (key, value) in options.Settings)
        {
            config.Set(key, value);
        }
        return config;
    }

    private static ProducerConfig ProducerConfig(KafkaLogOptions options)
    {
        var config = new ProducerConfig(ClientConfig(options))
        {
            // Idempotence: retries never duplicate or reorder a message within a partition; it requires acks=all.
            EnableIdempotence = true,
            Acks = Acks.All,
            MessageTimeoutMs = (int)options.DeliveryTimeout.TotalMilliseconds,
            LingerMs = options.Linger.TotalMilliseconds,
            // Partitions are chosen by Emporium (KeyPartitioner); the delivery report is the acknowledgement.
            EnableDeliveryReports = true,
        };
        // librdkafka counts a record's framing against its message.max.bytes too: room for a record of
        // MaxRecordBytes, unless the address sets it.
        if (!options.Settings.ContainsKey("message.max.bytes"))
        {
            config.MessageMaxBytes = options.MaxRecordBytes + RecordFramingBytes;
        }
        return config;
    }

    /// <summary>More than a record batch's header and one record's framing take (about 100 bytes), less than the
    /// broker's default <c>message.max.bytes</c> (1 048 588) leaves above the default <see cref="KafkaLogOptions.MaxRecordBytes"/>.</summary>
    private const int RecordFramingBytes = 16 * 1024;

    internal static void LogClientMessage(ILogger logger, Confluent.Kafka.LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        logger.Log(level, "kafka {Facility}: {Message}", message.Facility, message.Message);
    }

    internal static void LogClientError(ILogger logger, Error error)
    {
        // Transport errors are retried by the client; they surface to callers as failed appends or fetches.
        logger.Log(error.IsFatal ? LogLevel.Error : LogLevel.Warning, "kafka client: {Reason} ({Code})", error.Reason, error.Code);
    }
}
