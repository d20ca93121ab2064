using System.Globalization;
using Emporium.Cli.Hosting;
using Emporium.Configuration;
using Emporium.Log;
using Emporium.Log.Kafka;
using Emporium.Tests.TestSupport;
using static Emporium.Tests.Log.Embedded.LogTestKit;

namespace Emporium.Tests.Log.Kafka;

/// <summary>Kafka-only behaviour on librdkafka's mock cluster (3 brokers): group membership, rebalances, start-up
/// errors. One cluster per test.</summary>
public sealed class KafkaEventLogTests : IDisposable
{
    /// <summary>How long a test waits for something the log must do (notice the brokers gone or back, read what was
    /// appended): it takes a second or two, but far longer on a loaded machine that starves librdkafka's threads and the
    /// probe's, and a deadline missed there fails the run while the log is right.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly KafkaMockCluster _cluster = KafkaMockCluster.StartAsync().GetAwaiter().GetResult();

    public void Dispose() => _cluster.Dispose();

    private Task<KafkaEventLog> OpenAsync() =>
        KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = _cluster.BootstrapServers, SessionTimeout = TimeSpan.FromSeconds(6) });

    /// <summary>Kafka places a key by the topic's partition count, so with a count other than the one keys were placed
    /// by, a product's next versions go to another partition than its earlier ones, and the processor (which orders a
    /// key's versions by offset within a partition) can land an older version last. An existing topic whose count
    /// differs from the configured one was taken silently; it stops start-up naming the topic and both counts.</summary>
    [Fact]
    public async Task An_existing_topic_with_another_partition_count_than_configured_is_refused_by_name()
    {
        await using var log = await OpenAsync();
        _cluster.CreateTopic("products", 3);

        var refused = await Assert.ThrowsAsync<LogUnavailableException>(() => log.EnsureTopicAsync("products", 8, CancellationToken.None).AsTask());

        Assert.StartsWith($"topic 'products' on {log.Describe} has 3 partitions, but 8 are configured", refused.Message);
        Assert.Contains("partitions=3", refused.Message);
        Assert.Equal(3, (await log.GetEndOffsetsAsync("products", CancellationToken.None)).Count);
        await log.EnsureTopicAsync("products", 3, CancellationToken.None);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => log.GetEndOffsetsAsync("missing", CancellationToken.None).AsTask());
    }

    /// <summary>The address's <c>partitions=N</c> is the count topics are created with and must have, whatever count
    /// the caller (the host, with the <c>Partitions</c> setting) asks for; before, the host's count was used and the
    /// address's only when an append created a topic.</summary>
    [Fact]
    public async Task The_addresss_partition_count_is_the_one_topics_must_have()
    {
        _cluster.CreateTopic("products", 3);
        var options = KafkaEventLogFactory.Parse(_cluster.Address + "?partitions=3", defaultPartitions: 8);
        await using var log = await KafkaEventLog.ConnectAsync(options);

        await log.EnsureTopicAsync("products", 8, CancellationToken.None);

        var refused = await Assert.ThrowsAsync<LogUnavailableException>(() =>
            KafkaEventLog.ConnectAsync(KafkaEventLogFactory.Parse(_cluster.Address + "?partitions=4", 3))
                .ContinueWith(t => t.Result.EnsureTopicAsync("products", 3, CancellationToken.None).AsTask()).Unwrap());
        Assert.Contains("has 3 partitions, but 4 are configured", refused.Message);
    }

    /// <summary>A topic's partitions changing under a running process (an operator adding some with kafka-topics; here
    /// the mock topic is re-created larger) made the producer place a key by the new count as soon as any metadata
    /// refresh saw it, so one key's versions sat in two partitions. The process keeps placing keys by the count it
    /// started with.</summary>
    [Fact]
    public async Task Keys_keep_the_partition_of_the_count_the_process_started_with_when_partitions_are_added()
    {
        _cluster.CreateTopic("products", 2);
        await using var log = await OpenAsync();
        await log.EnsureTopicAsync("products", 2, CancellationToken.None);
        var key = Enumerable.Range(0, 100).Select(i => $"P-{i}")
            .First(k => Emporium.Log.Embedded.KeyPartitioner.PartitionFor(k, 2) != Emporium.Log.Embedded.KeyPartitioner.PartitionFor(k, 4));

        _cluster.RecreateTopic("products", 4);
        _cluster.CreateTopic("other", 1);
        // Any metadata request refreshes the counts of every topic.
        Assert.Single(await log.GetEndOffsetsAsync("other", CancellationToken.None));
        Assert.Equal(4, (await log.GetEndOffsetsAsync("products", CancellationToken.None)).Count);

        var placed = await log.AppendAsync("products", [new LogMessage(key, "{}"u8.ToArray())], CancellationToken.None);

        Assert.Equal(Emporium.Log.Embedded.KeyPartitioner.PartitionFor(key, 2), placed.Single().Partition.Partition);
    }

    [Fact]
    public async Task TwoMembersOfAGroupShareThePartitionsAndTogetherSeeEveryRecordOnce()
    {
        await using var log = await OpenAsync();
        _cluster.CreateTopic("orders", 4);
        await using var a = log.OpenConsumer("stream", ["orders"]);
        await using var b = log.OpenConsumer("stream", ["orders"]);
        await JoinAsync([a, b], 4);
        var sent = await AppendAsync(log, "orders", 0, 400);
        var positions = new Dictionary<TopicPartition, long>();

        var seen = new Dictionary<ILogConsumer, List<LogEntry>> { [a] = [], [b] = [] };
        await DrainAsync([a, b], positions, seen, 400);

        Assert.Equal(4, a.Assignment.Count + b.Assignment.Count);
        Assert.Empty(a.Assignment.Intersect(b.Assignment));
        Assert.NotEmpty(seen[a]);
        Assert.NotEmpty(seen[b]);
        var all = seen[a].Concat(seen[b]).ToList();
        Assert.Equal(sent.Order(), all.Select(Text).Order());
        Assert.Equal(all.Count, all.Select(e => (e.Position, e.Offset)).Distinct().Count());
    }

    [Fact]
    public async Task WhenAMemberLeavesTheOtherTakesOverItsPartitionsFromTheCallersPositions()
    {
        await using var log = await OpenAsync();
        _cluster.CreateTopic("orders", 4);
        var a = log.OpenConsumer("stream", ["orders"]);
        await using var b = log.OpenConsumer("stream", ["orders"]);
        await JoinAsync([a, b], 4);
        var sent = await AppendAsync(log, "orders", 0, 200);
        // Positions as the warehouse would hold them: shared by the members, advanced only by what they hand over.
        var positions = new Dictionary<TopicPartition, long>();
        var seen = new Dictionary<ILogConsumer, List<LogEntry>> { [a] = [], [b] = [] };
        await DrainAsync([a, b], positions, seen, 200);
        var ownedByA = a.Assignment.ToList();
        Assert.NotEmpty(ownedByA);

        await a.DisposeAsync();
        sent.AddRange(await AppendAsync(log, "orders", 200, 200));
        seen.Remove(a);
        var beforeLeaving = new Dictionary<TopicPartition, long>(positions);
        seen[b].Clear();
        await DrainAsync([b], positions, seen, 200);

        Assert.Equal(4, b.Assignment.Count);
        // b continued a's former partitions exactly where a stopped (DrainAsync checks every offset follows on).
        Assert.All(ownedByA, tp => Assert.Equal(beforeLeaving[tp], seen[b].Where(e => e.Position == tp).Min(e => e.Offset)));
        Assert.Equal(sent.Skip(200).Order(), seen[b].Select(Text).Order());
        var ends = await log.GetEndOffsetsAsync("orders", CancellationToken.None);
        Assert.Equal(ends.OrderBy(e => e.Key.Partition), positions.OrderBy(e => e.Key.Partition));
    }

    [Fact]
    public async Task AFetchSeeksToTheCallersPositionAndReportsAreCommittedOnlyForOwnedPartitions()
    {
        await using var log = await OpenAsync();
        _cluster.CreateTopic("t", 2);
        await AppendAsync(log, "t", 0, 100);
        await using var consumer = log.OpenConsumer("g", ["t"]);
        var tp0 = new TopicPartition("t", 0);
        var first = await ReadPartitionAsync(consumer, tp0, 0);
        var again = await ReadPartitionAsync(consumer, tp0, 0);
        var later = await ReadPartitionAsync(consumer, tp0, 5);
        // Each fetch returns what arrived within its wait, so how many differs from one to the next; where each starts
        // is the caller's position.
        Assert.Equal(Enumerable.Range(0, first.Count).Select(o => (long)o), first.Select(e => e.Offset));
        Assert.Equal(Enumerable.Range(0, again.Count).Select(o => (long)o), again.Select(e => e.Offset));
        Assert.Equal(5, later[0].Offset);

        await consumer.ReportProcessedAsync(new Dictionary<TopicPartition, long> { [tp0] = 5, [new("other", 0)] = 9 }, CancellationToken.None);

        var committed = await log.GetGroupOffsetsAsync("g", "t", CancellationToken.None);
        Assert.Equal(5, committed[tp0]);
        Assert.Equal(0, committed[new TopicPartition("t", 1)]);
    }

    /// <summary>The log takes records of up to <see cref="KafkaLogOptions.MaxRecordBytes"/> bytes of key and value, but
    /// librdkafka's own <c>message.max.bytes</c> (1 000 000 by default too) counts the record's framing as well: a record
    /// just under the limit passed the log's check and the producer refused it, an append failed as "log unavailable"
    /// (ingest 503, retried by clients for good).</summary>
    [Fact]
    public async Task A_record_of_the_largest_size_the_log_takes_is_appended_and_read_back()
    {
        await using var log = await OpenAsync();
        _cluster.CreateTopic("reviews", 1);
        var key = "R-1";
        var value = new byte[log.MaxRecordBytes - key.Length];
        Array.Fill(value, (byte)'x');

        var positions = await log.AppendAsync("reviews", [new LogMessage(key, value)], CancellationToken.None);

        Assert.Equal(0, positions.Single().Offset);
        await using var consumer = log.OpenConsumer("reader", ["reviews"]);
        var seen = new Dictionary<ILogConsumer, List<LogEntry>> { [consumer] = [] };
        await DrainAsync([consumer], new Dictionary<TopicPartition, long>(), seen, 1);
        Assert.Equal(value, seen[consumer].Single().Value.ToArray());
        await Assert.ThrowsAsync<ArgumentException>(() => log.AppendAsync("reviews", [new LogMessage(key, new byte[value.Length + 1])], CancellationToken.None).AsTask());
    }

    /// <summary>A broker answering a produce request with an out-of-order sequence makes librdkafka's idempotent
    /// producer fail for good: every later message was refused at once, so ingest answered 503 to every request until
    /// the process was restarted. The append that met it fails (nothing acknowledged); the next ones go through a new
    /// producer, and what was acknowledged is in the log once.</summary>
    [Fact]
    public async Task After_the_producer_fails_for_good_the_next_appends_go_through_a_new_one()
    {
        _cluster.CreateTopic("orders", 1);
        await using var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = _cluster.BootstrapServers, DeliveryTimeout = TimeSpan.FromSeconds(5) });
        var acknowledged = await AppendAsync(log, "orders", 0, 3);
        _cluster.PushRequestErrors(0, Confluent.Kafka.ErrorCode.OutOfOrderSequenceNumber);

        await Assert.ThrowsAsync<LogUnavailableException>(() => AppendAsync(log, "orders", 3, 1));
        for (var i = 0; i < 3; i++)
        {
            acknowledged.AddRange(await AppendAsync(log, "orders", 10 + (i * 2), 2));
        }

        await AssertEachInTheLogOnceAsync(log, acknowledged);
    }

    /// <summary>Broker errors a produce request can meet: one the client retries (a leader change) costs the append
    /// nothing; one it does not (a record batch too large for the topic, an old producer epoch) fails that append only,
    /// with the broker's reason, and the next append goes through. Either way each acknowledged record is in the log
    /// once and a failed one is not acknowledged.</summary>
    [Theory]
    [InlineData(Confluent.Kafka.ErrorCode.NotLeaderForPartition, false)]
    [InlineData(Confluent.Kafka.ErrorCode.MsgSizeTooLarge, true)]
    [InlineData(Confluent.Kafka.ErrorCode.InvalidProducerEpoch, true)]
    public async Task A_broker_error_on_a_produce_request_fails_at_most_that_append(Confluent.Kafka.ErrorCode error, bool fails)
    {
        _cluster.CreateTopic("orders", 1);
        await using var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = _cluster.BootstrapServers, DeliveryTimeout = TimeSpan.FromSeconds(5) });
        var acknowledged = await AppendAsync(log, "orders", 0, 3);
        _cluster.PushRequestErrors(0, error);

        var failure = await Record.ExceptionAsync(() => AppendAsync(log, "orders", 3, 1));
        acknowledged.AddRange(await AppendAsync(log, "orders", 4, 2));

        if (fails)
        {
            Assert.True(failure is LogUnavailableException, failure?.ToString());
        }
        else
        {
            Assert.Null(failure);
            acknowledged.Add("3");
        }
        await AssertEachInTheLogOnceAsync(log, acknowledged);
    }

    /// <summary>A cluster whose ACLs do not let this client write idempotently (IdempotentWrite, needed before Kafka
    /// 2.8) refuses the producer's first request; the refusal says which grant is missing.</summary>
    [Fact]
    public async Task A_cluster_refusing_idempotent_writes_is_named_with_the_grant_it_needs()
    {
        _cluster.CreateTopic("orders", 1);
        // Refused to the first producer and to the one that replaces it within the same append.
        _cluster.PushRequestErrors(22, Confluent.Kafka.ErrorCode.ClusterAuthorizationFailed, Confluent.Kafka.ErrorCode.ClusterAuthorizationFailed);
        await using var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = _cluster.BootstrapServers, DeliveryTimeout = TimeSpan.FromSeconds(5) });

        var e = await Assert.ThrowsAsync<LogUnavailableException>(() => AppendAsync(log, "orders", 0, 1));

        Assert.True(e.Message.Contains("grant its principal IdempotentWrite on the cluster", StringComparison.Ordinal), e.Message);
        // The refusals were the cluster's answers to two requests: the producer after them is let in. Whether the second
        // refusal went to the first append's replacement or to the next append depends on when librdkafka reports the
        // first producer failed, so one more append may meet it.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await AppendAsync(log, "orders", 1, 1);
                break;
            }
            catch (LogUnavailableException refused) when (attempt < 3)
            {
                Assert.Contains("IdempotentWrite", refused.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task AnAppendTheBrokersDoNotAcknowledgeFailsInsteadOfReturningPositions()
    {
        await using var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = _cluster.BootstrapServers, DeliveryTimeout = TimeSpan.FromSeconds(2) });
        _cluster.CreateTopic("orders", 2);
        await AppendAsync(log, "orders", 0, 10);
        LogUnavailableException e;
        for (var attempt = 1; ; attempt++)
        {
            _cluster.StopAllBrokers();
            e = await Assert.ThrowsAsync<LogUnavailableException>(() => AppendAsync(log, "orders", attempt * 10, 10));
            // The brokers' loss also starts a probe; when the test thread is paused long enough on a loaded machine
            // (the probe's 1.5 s), the probe has found the cluster down first and the append is refused before it is
            // sent. That is right too, but not the case under test: with the brokers back and the refusals over, again.
            if (!e.Message.EndsWith("requests are refused until a broker answers again", StringComparison.Ordinal) || attempt == 3)
            {
                break;
            }
            _cluster.StartAllBrokers();
            await AppendUntilTakenAsync(log, "orders", 100 + (attempt * 10), 1);
        }

        Assert.Contains("did not acknowledge the append to 'orders'", e.Message);
    }

    /// <summary>Appends once the brokers are back, which the log may still refuse until its next probe.</summary>
    private static async Task AppendUntilTakenAsync(KafkaEventLog log, string topic, int from, int count)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await AppendAsync(log, topic, from, count);
                return;
            }
            catch (LogUnavailableException)
            {
                Assert.True(waited.Elapsed < Patience, "appends stayed refused after the brokers came back");
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A ping or probe given up by its caller leaves librdkafka's metadata request running on a pool thread
    /// (up to its 1.5 s timeout); disposing the log then destroyed the client under it and the whole process died of a
    /// segmentation fault in librdkafka (a test run was lost to it). Disposal now waits for the request to end.</summary>
    [Fact]
    public async Task Disposing_the_log_while_an_abandoned_ping_still_waits_for_the_brokers_does_not_crash_the_process()
    {
        for (var i = 0; i < 3; i++)
        {
            var log = await OpenAsync();
            _cluster.StopAllBrokers();
            using var cut = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            // Given up on after 50 ms, or answered sooner with a failure: either way the probe's request may still run.
            var ping = log.PingAsync(cut.Token);
            log.Reachability.Suspect();

            await log.DisposeAsync();

            Assert.Equal(0, log.AdminRequestsInProgress);
            try
            {
                Assert.StartsWith($"{log.Describe} does not answer", await ping, StringComparison.Ordinal);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                // Given up on, or begun only once the log was closing.
            }
            await Assert.ThrowsAsync<ObjectDisposedException>(() => log.PingAsync(CancellationToken.None));
            _cluster.StartAllBrokers();
        }
    }

    /// <summary>With every broker down each append waited the 30 s delivery timeout before it failed, so every ingest
    /// request hung that long for its 503.</summary>
    [Fact]
    public async Task WhileEveryBrokerIsDownAppendsFailAtOnceAndAreTakenAgainAsSoonAsABrokerAnswers()
    {
        await using var log = await OpenAsync();
        _cluster.CreateTopic("orders", 2);
        await AppendAsync(log, "orders", 0, 10);
        _cluster.StopAllBrokers();

        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (log.Reachability.Down is null)
        {
            Assert.True(waited.Elapsed < Patience, "the log did not notice that every broker is down");
            await Task.Delay(100);
        }
        // Refused before anything is sent or waited for: the append has failed by the time the call returns. Not timed: a
        // stopwatch bound fails whenever a loaded machine pauses the test thread, which says nothing about the log.
        var refused = log.AppendAsync("orders", [Message("key-10", "10")], CancellationToken.None);
        Assert.True(refused.IsCompleted, "the refused append waited for something");
        var e = await Assert.ThrowsAsync<LogUnavailableException>(async () => await refused);
        Assert.StartsWith($"{log.Describe} does not answer: ", e.Message, StringComparison.Ordinal);

        _cluster.StartAllBrokers();
        await AppendUntilTakenAsync(log, "orders", 10, 10);
        // A refused append sent nothing: only the two that were taken are in the log.
        Assert.Equal(20, (await log.GetEndOffsetsAsync("orders", CancellationToken.None)).Values.Sum());
    }

    /// <summary>A suspicion (librdkafka's word that it lost every broker, a ping cut short) refuses nothing while a
    /// broker answers: only a probe that fails too does.</summary>
    [Fact]
    public async Task ASuspicionThatABrokerAnswersRefusesNoAppend()
    {
        await using var log = await OpenAsync();
        _cluster.CreateTopic("orders", 1);
        using var cut = new CancellationTokenSource();
        await cut.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => log.PingAsync(cut.Token));

        for (var i = 0; i < 20; i++)
        {
            log.Reachability.Suspect();
            await AppendAsync(log, "orders", i * 5, 5);
            Assert.Null(log.Reachability.Down);
            await Task.Delay(50);
        }

        Assert.Equal(100, (await log.GetEndOffsetsAsync("orders", CancellationToken.None)).Values.Sum());
    }

    [Fact]
    public async Task AnUnreachableBrokerStopsStartUpWithOneLineNamingTheSetting()
    {
        var options = new EmporiumOptions { DataDir = "/unused", Log = $"kafka://127.0.0.1:{FreePort.Next()}" };
        var address = BackendAddresses.ForLog(options);

        var e = await Assert.ThrowsAsync<BackendConfigurationException>(() => BackendRegistry.CreateAsync<IEventLog>(address, options, CancellationToken.None).AsTask());

        Assert.StartsWith($"--log (setting Log): cannot use Kafka at '{options.Log}': no broker answered within 5 s", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>Client properties carry credentials (<c>sasl.password</c>…); start-up refusals printed the address
    /// as given, password and all, to the terminal and the service's log.</summary>
    [Fact]
    public async Task Refusals_mask_the_secrets_among_the_client_properties()
    {
        var secrets = "sasl.password=hunter2&sasl.oauthbearer.client.secret=hunter3&ssl.key.password=hunter4&sasl.jaas.config=hunter5";
        var unreachable = new EmporiumOptions { DataDir = "/unused", Log = $"kafka://127.0.0.1:{FreePort.Next()}?security.protocol=SASL_PLAINTEXT&sasl.mechanism=PLAIN&sasl.username=u&{secrets}" };

        var e = await Assert.ThrowsAsync<BackendConfigurationException>(() => BackendRegistry.CreateAsync<IEventLog>(BackendAddresses.ForLog(unreachable), unreachable, CancellationToken.None).AsTask());
        var invalid = Assert.Throws<BackendConfigurationException>(() => KafkaEventLogFactory.Parse($"kafka://h:9092?partitions=0&{secrets}"));

        foreach (var message in new[] { e.Message, invalid.Message })
        {
            Assert.DoesNotContain("hunter", message, StringComparison.Ordinal);
            Assert.Contains("sasl.password=***&sasl.oauthbearer.client.secret=***&ssl.key.password=***&sasl.jaas.config=***", message, StringComparison.Ordinal);
        }
        Assert.Contains("sasl.username=u&", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kafka://", "names no broker")]
    [InlineData("kafka://host:port", "'host:port' is not host:port")]
    [InlineData("kafka://h:9092?partitions=0", "partitions must be a whole number")]
    [InlineData("kafka://h:9092?replication=x", "replication must be a whole number")]
    public void ABadAddressIsRefusedWithTheReason(string address, string reason)
    {
        var e = Assert.Throws<BackendConfigurationException>(() => KafkaEventLogFactory.Parse(address));
        Assert.StartsWith("--log (setting Log): ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    /// <summary>The mock cluster has no controller to create topics, as a cluster that refuses this client
    /// CreateTopics: the failure names the topic and what to do instead of surfacing librdkafka's error alone.</summary>
    [Fact]
    public async Task ATopicTheClusterDoesNotCreateFailsNamingTheTopicAndTheWayOut()
    {
        await using var log = await KafkaEventLog.ConnectAsync(new KafkaLogOptions { BootstrapServers = _cluster.BootstrapServers, RequestTimeout = TimeSpan.FromSeconds(1) });

        var e = await Assert.ThrowsAsync<LogUnavailableException>(() => log.EnsureTopicAsync("orders", 3, CancellationToken.None).AsTask());

        Assert.StartsWith($"cannot create topic 'orders' (3 partitions) on kafka://{_cluster.BootstrapServers}: ", e.Message);
        Assert.EndsWith("; create it on the cluster yourself, or let this client create topics", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary><c>test.mock.num.brokers</c> passed through starts a separate private cluster inside each client
    /// (producer, consumers, admin), so nothing appended would ever be read.</summary>
    [Fact]
    public void LibrdkafkasMockClusterPropertiesAreRefused()
    {
        var e = Assert.Throws<BackendConfigurationException>(() => KafkaEventLogFactory.Parse("kafka://127.0.0.1:9092?test.mock.num.brokers=3"));

        Assert.Equal("--log (setting Log): 'kafka://127.0.0.1:9092?test.mock.num.brokers=3' is not a kafka://host:port[,host:port][?partitions=N] address: "
            + "test.mock.num.brokers would start a private mock cluster inside each of Emporium's Kafka clients, which share no data; "
            + "give the address of a running cluster", e.Message);
    }

    [Fact]
    public async Task AnUnknownClientPropertyIsRefusedAtStartUp()
    {
        var options = new EmporiumOptions { DataDir = "/unused", Log = $"kafka://{_cluster.BootstrapServers}?no.such.property=1" };

        var e = await Assert.ThrowsAsync<BackendConfigurationException>(() => BackendRegistry.CreateAsync<IEventLog>(BackendAddresses.ForLog(options), options, CancellationToken.None).AsTask());

        Assert.Contains("no.such.property", e.Message);
    }

    [Fact]
    public async Task TheAddressSelectsTheKafkaBackendWithItsSettings()
    {
        var parsed = KafkaEventLogFactory.Parse("kafka://a:9093,b?partitions=6&replication=3&security.protocol=SSL", 4);
        Assert.Equal(("a:9093,b:9092", 6, (short)3), (parsed.BootstrapServers, parsed.DefaultPartitions, parsed.ReplicationFactor));
        Assert.Equal("SSL", parsed.Settings["security.protocol"]);
        Assert.Equal(2, KafkaEventLogFactory.Parse("kafka://a", 2).DefaultPartitions);

        var options = new EmporiumOptions { DataDir = "/unused", Log = _cluster.Address };
        await using var log = await BackendRegistry.CreateAsync<IEventLog>(BackendAddresses.ForLog(options), options, CancellationToken.None);
        Assert.IsType<KafkaEventLog>(log);
        Assert.Equal(_cluster.Address, log.Describe);
    }

    /// <summary>Polls every member (reading nothing: positions stay with the caller) until the group has settled with
    /// all <paramref name="partitions"/> spread over all members.</summary>
    private static async Task JoinAsync(IReadOnlyList<ILogConsumer> members, int partitions)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (members.Any(m => m.Assignment.Count == 0) || members.Sum(m => m.Assignment.Count) != partitions)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the group did not settle in 60 s: {string.Join(" / ", members.Select(m => m.Assignment.Count))}");
            foreach (var member in members)
            {
                await member.FetchAsync(new Dictionary<TopicPartition, long>(), 1, TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
        }
    }

    private static async Task<List<string>> AppendAsync(IEventLog log, string topic, int from, int count)
    {
        var values = Enumerable.Range(from, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
        await log.AppendAsync(topic, [.. values.Select(v => Message($"key-{v}", v))], CancellationToken.None);
        return values;
    }

    private static async Task<IReadOnlyList<LogEntry>> ReadPartitionAsync(ILogConsumer consumer, TopicPartition tp, long from)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var batch = await consumer.FetchAsync(new Dictionary<TopicPartition, long> { [tp] = from, [tp with { Partition = 1 }] = long.MaxValue / 2 }, 1000, TimeSpan.FromMilliseconds(200), CancellationToken.None);
            var mine = batch.Where(e => e.Position == tp).ToList();
            if (mine.Count > 0)
            {
                return mine;
            }
            Assert.True(DateTime.UtcNow < deadline, $"nothing read in {Patience}");
        }
    }

    /// <summary>Fetches round-robin from the members as a processor would (advancing the shared positions by what
    /// each returns) until <paramref name="expected"/> new records were seen.</summary>
    /// <summary>Reads the whole <c>orders</c> topic and checks each acknowledged record is in it exactly once.</summary>
    private static async Task AssertEachInTheLogOnceAsync(KafkaEventLog log, List<string> acknowledged)
    {
        await using var consumer = log.OpenConsumer("reader", ["orders"]);
        var seen = new Dictionary<ILogConsumer, List<LogEntry>> { [consumer] = [] };
        var end = (await log.GetEndOffsetsAsync("orders", CancellationToken.None)).Values.Sum();
        await DrainAsync([consumer], new Dictionary<TopicPartition, long>(), seen, (int)end);
        var inLog = seen[consumer].Select(Text).ToList();
        Assert.All(acknowledged, a => Assert.Single(inLog, a));
    }

    private static async Task DrainAsync(IReadOnlyList<ILogConsumer> members, Dictionary<TopicPartition, long> positions,
        Dictionary<ILogConsumer, List<LogEntry>> seen, int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var count = 0;
        while (count < expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"saw {count} of {expected} records in 60 s");
            foreach (var member in members)
            {
                foreach (var entry in await member.FetchAsync(positions, 50, TimeSpan.FromMilliseconds(100), CancellationToken.None))
                {
                    Assert.Equal(positions.GetValueOrDefault(entry.Position), entry.Offset);
                    positions[entry.Position] = entry.Offset + 1;
                    seen[member].Add(entry);
                    count++;
                }
            }
        }
    }
}
