namespace Emporium.Log.Kafka;

/// <summary>Settings of the Kafka log backend. The factory fills them from the address
/// (<c>kafka://host:9092[,host2:9092][?partitions=N&amp;replication=N&amp;&lt;librdkafka property&gt;=value]</c>).</summary>
public sealed record KafkaLogOptions
{
    /// <summary>Comma-separated <c>host:port</c> list of bootstrap brokers. Required.</summary>
    public required string BootstrapServers { get; init; }

    /// <summary>Partitions a topic is created with when Emporium creates it. Default 4.</summary>
    public int DefaultPartitions { get; init; } = 4;

    /// <summary>The partition count of every topic (the address's <c>partitions=N</c>): topics are created with it and
    /// an existing topic must have it, whatever count a caller asks for. Null (default): the count the caller of
    /// <see cref="KafkaEventLog.EnsureTopicAsync"/> asks for (the host's <c>Partitions</c> setting).</summary>
    public int? Partitions { get; init; }

    /// <summary>Replication factor of topics Emporium creates; -1 uses the broker's <c>default.replication.factor</c>.
    /// Default -1.</summary>
    public short ReplicationFactor { get; init; } = -1;

    /// <summary>Appending to a missing topic creates it with <see cref="DefaultPartitions"/>; otherwise the append
    /// fails with <see cref="KeyNotFoundException"/>. Default true (as the embedded log).</summary>
    public bool AutoCreateTopics { get; init; } = true;

    /// <summary>How long start-up waits for a broker to answer a metadata request before refusing the address.
    /// Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time limit of metadata, admin and offset requests. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the producer keeps retrying a message before the append fails (<c>message.timeout.ms</c>).
    /// The HTTP request waits this long at most, so it is far below librdkafka's 5 minute default. Default 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>While every broker is known to be down (appends are then refused at once, not after
    /// <see cref="DeliveryTimeout"/>), how often the cluster is asked whether it answers again. Default 500 ms.</summary>
    public TimeSpan DownProbeInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the producer waits to fill a batch (<c>linger.ms</c>); concurrent appends share requests.
    /// Default 2 ms.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(2);

    /// <summary>Largest key + value accepted; larger appends are refused before anything is sent. Must not exceed
    /// the broker's <c>message.max.bytes</c> (1 MiB by default). Default 1 000 000 bytes.</summary>
    public int MaxRecordBytes { get; init; } = 1_000_000;

    /// <summary>How long closing a consumer may take before it is abandoned: librdkafka's close can block for good in
    /// its rebalance callback (librdkafka issue 4041), and a stop must not hang behind it. The group then drops the
    /// abandoned member after <see cref="SessionTimeout"/>, as if the process had died. Default 10 s.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a silent group member keeps its partitions (<c>session.timeout.ms</c>): a killed processor's
    /// partitions move to the others after at most this. Default 10 s.</summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Extra librdkafka properties for every client (e.g. <c>security.protocol</c>, <c>sasl.*</c>,
    /// <c>ssl.*</c>). Default none.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
