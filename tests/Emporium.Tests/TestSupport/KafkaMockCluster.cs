using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Emporium.Tests.TestSupport;

/// <summary>librdkafka's in-process mock Kafka cluster (no broker can be installed on the test machines): a client
/// created with <c>test.mock.num.brokers</c> starts mock brokers listening on loopback ports, and every other client —
/// in this process or another one, e.g. an <c>emporium up --log kafka://…</c> child process — connects to them
/// through <see cref="BootstrapServers"/>. The cluster lives as long as this fixture. Each instance is a separate
/// cluster, so a test class (or a test) that needs fixed topic and group names takes its own.</summary>
/// <remarks>The mock keeps every message in memory: keep each partition under ~5 MB in tests. It does not implement
/// the CreateTopics request (an admin client waits for a controller and times out), so tests create topics with
/// <see cref="CreateTopic"/> — librdkafka's mock API — before the backend's <c>EnsureTopicAsync</c> looks for them.</remarks>
public sealed class KafkaMockCluster : IAsyncLifetime, IDisposable
{
    private IAdminClient? _host;

    /// <summary>Brokers of a cluster started as an xunit fixture.</summary>
    public const int DefaultBrokers = 3;

    public int Brokers { get; private init; } = DefaultBrokers;

    /// <summary><c>host:port,host:port,…</c> of the mock brokers.</summary>
    public string BootstrapServers { get; private set; } = "";

    /// <summary>The <c>--log</c> address of the cluster.</summary>
    public string Address => $"kafka://{BootstrapServers}";

    /// <summary>Starts a cluster outside xunit's fixture life cycle (dispose it).</summary>
    public static async Task<KafkaMockCluster> StartAsync(int brokers = DefaultBrokers)
    {
        var cluster = new KafkaMockCluster { Brokers = brokers };
        await cluster.InitializeAsync();
        return cluster;
    }

    public Task InitializeAsync()
    {
        var config = new AdminClientConfig();
        config.Set("test.mock.num.brokers", Brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _host = new AdminClientBuilder(config)
            .SetLogHandler((_, _) => { })
            .Build();
        var metadata = _host.GetMetadata(TimeSpan.FromSeconds(10));
        if (metadata.Brokers.Count != Brokers)
        {
            throw new InvalidOperationException($"the mock cluster reported {metadata.Brokers.Count} brokers, expected {Brokers}");
        }
        // Kafka waits group.initial.rebalance.delay.ms (3 s) for more members before the first assignment of a new
        // group; a short delay keeps tests quick without changing what they exercise.
        Native.Value.InitialRebalanceDelay(MockCluster(), 200);
        BootstrapServers = string.Join(',', metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => $"{b.Host}:{b.Port}"));
        return Task.CompletedTask;
    }

    /// <summary>Creates a topic in the mock cluster (replicated on every broker); an existing topic is left as is.</summary>
    public void CreateTopic(string topic, int partitions)
    {
        var cluster = MockCluster();
        var error = (ErrorCode)Native.Value.TopicCreate(cluster, topic, partitions, Brokers);
        if (error is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            throw new InvalidOperationException($"the mock cluster did not create topic '{topic}': {error}");
        }
    }

    /// <summary>Deletes a topic and creates it again with <paramref name="partitions"/>, so its partition count changes
    /// under running clients (the mock has no CreatePartitions request, which adding partitions would use; what the
    /// topic held is gone, which tests of the count do not need).</summary>
    public void RecreateTopic(string topic, int partitions)
    {
        var error = (ErrorCode)Native.Value.TopicDelete(MockCluster(), topic);
        if (error is not ErrorCode.NoError)
        {
            throw new InvalidOperationException($"the mock cluster did not delete topic '{topic}': {error}");
        }
        CreateTopic(topic, partitions);
    }

    /// <summary>Takes every broker down (connections closed, new ones refused), as when the cluster is lost.</summary>
    public void StopAllBrokers()
    {
        for (var id = 1; id <= Brokers; id++)
        {
            Native.Value.BrokerSetDown(MockCluster(), id);
        }
    }

    /// <summary>Brings every broker back up after <see cref="StopAllBrokers"/>, with what they held.</summary>
    public void StartAllBrokers()
    {
        for (var id = 1; id <= Brokers; id++)
        {
            Native.Value.BrokerSetUp(MockCluster(), id);
        }
    }

    /// <summary>Makes the cluster answer the next requests of one kind (<paramref name="apiKey"/>: 0 Produce, 22
    /// InitProducerId, …) with these errors, one request each, whichever client sends them.</summary>
    public void PushRequestErrors(short apiKey, params ErrorCode[] errors) =>
        Native.Value.PushRequestErrors(MockCluster(), apiKey, (nuint)errors.Length, errors.Select(e => (int)e).ToArray());

    public void CreateTopics(IEnumerable<string> topics, int partitions)
    {
        foreach (var topic in topics)
        {
            CreateTopic(topic, partitions);
        }
    }

    /// <summary>The <c>rd_kafka_mock_cluster_t*</c> of the hosting client. Confluent.Kafka does not expose the
    /// <c>rd_kafka_t*</c> it wraps, hence the reflection on its (internal) handle property.</summary>
    private IntPtr MockCluster()
    {
        var handle = _host?.Handle ?? throw new InvalidOperationException("the mock cluster is not running");
        var property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)
                       ?? throw new InvalidOperationException("Confluent.Kafka no longer has Handle.LibrdkafkaHandle");
        var safeHandle = (SafeHandle)property.GetValue(handle)!;
        var cluster = Native.Value.HandleMockCluster(safeHandle.DangerousGetHandle());
        return cluster != IntPtr.Zero ? cluster : throw new InvalidOperationException("the hosting client has no mock cluster");
    }

    private static readonly Lazy<MockApi> Native = new(MockApi.Load);

    private delegate IntPtr HandleMockClusterFn(IntPtr rk);

    private delegate int BrokerSetDownFn(IntPtr cluster, int brokerId);

    private delegate int BrokerSetUpFn(IntPtr cluster, int brokerId);

    private delegate void InitialRebalanceDelayFn(IntPtr cluster, int delayMs);

    private delegate void PushRequestErrorsFn(IntPtr cluster, short apiKey, nuint count, int[] errors);

    private delegate int MockTopicDeleteFn(IntPtr cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic);

    private delegate int MockTopicCreateFn(IntPtr cluster, [MarshalAs(UnmanagedType.LPUTF8Str)] string topic, int partitions, int replicationFactor);

    /// <summary>The mock functions of the librdkafka copy Confluent.Kafka loaded. It picks one of several builds
    /// shipped in its package (by which system libraries exist), so the library is found in this process's
    /// mappings rather than by name — a second copy would not know the first one's clusters.</summary>
    private sealed record MockApi(HandleMockClusterFn HandleMockCluster, MockTopicCreateFn TopicCreate, InitialRebalanceDelayFn InitialRebalanceDelay, BrokerSetDownFn BrokerSetDown, BrokerSetUpFn BrokerSetUp,
        PushRequestErrorsFn PushRequestErrors, MockTopicDeleteFn TopicDelete)
    {
        public static MockApi Load()
        {
            var path = File.ReadLines("/proc/self/maps")
                           .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                           .Where(parts => parts.Length >= 6 && parts[5].Contains("librdkafka", StringComparison.Ordinal))
                           .Select(parts => parts[5])
                           .FirstOrDefault()
                       ?? throw new InvalidOperationException("librdkafka is not loaded in this process");
            var library = NativeLibrary.Load(path);
            return new MockApi(
                Marshal.GetDelegateForFunctionPointer<HandleMockClusterFn>(NativeLibrary.GetExport(library, "rd_kafka_handle_mock_cluster")),
                Marshal.GetDelegateForFunctionPointer<MockTopicCreateFn>(NativeLibrary.GetExport(library, "rd_kafka_mock_topic_create")),
                Marshal.GetDelegateForFunctionPointer<InitialRebalanceDelayFn>(NativeLibrary.GetExport(library, "rd_kafka_mock_group_initial_rebalance_delay_ms")),
                Marshal.GetDelegateForFunctionPointer<BrokerSetDownFn>(NativeLibrary.GetExport(library, "rd_kafka_mock_broker_set_down")),
                Marshal.GetDelegateForFunctionPointer<BrokerSetUpFn>(NativeLibrary.GetExport(library, "rd_kafka_mock_broker_set_up")),
                Marshal.GetDelegateForFunctionPointer<PushRequestErrorsFn>(NativeLibrary.GetExport(library, "rd_kafka_mock_push_request_errors_array")),
                Marshal.GetDelegateForFunctionPointer<MockTopicDeleteFn>(NativeLibrary.GetExport(library, "rd_kafka_mock_topic_delete")));
        }
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _host?.Dispose();
        _host = null;
    }
}
