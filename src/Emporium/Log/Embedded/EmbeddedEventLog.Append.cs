namespace Emporium.Log.Embedded;

/// <summary>Appending: route each message to its partition, hand each partition its share, and acknowledge only once
/// every share is fsync'd.</summary>
public sealed partial class EmbeddedEventLog
{
    /// <summary>Appends durably. A keyed message goes to <see cref="KeyPartitioner.PartitionFor"/>; messages without a
    /// key all go to one partition per call, the topic's sticky one (<see cref="EmbeddedTopic.Sticky"/>), so one call
    /// costs one fsync and concurrent calls share it. Cancelling stops the wait only: records already queued may still
    /// be appended.</summary>
    public async ValueTask<IReadOnlyList<LogPosition>> AppendAsync(string topic, IReadOnlyList<LogMessage> messages, CancellationToken ct)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(messages);
        ct.ThrowIfCancellationRequested();
        if (messages.Count == 0)
        {
            return [];
        }

        var target = _topics.GetValueOrDefault(topic) ?? await CreateOnAppendAsync(topic, ct).ConfigureAwait(false);
        var partitionCount = target.Partitions.Length;
        var assigned = new int[messages.Count];
        var sizes = new long[messages.Count];
        var keyless = -1;
        var single = true;
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var keyBytes = RecordFrame.KeyByteCount(message.Key);
            if ((long)keyBytes + message.Value.Length > _options.MaxRecordBytes)
            {
                throw new ArgumentException(
                    $"Message {i} for topic '{topic}' has {keyBytes + message.Value.Length} bytes of key and value; the limit is {_options.MaxRecordBytes}.", nameof(messages));
            }

            sizes[i] = RecordFrame.FrameBytes(keyBytes, message.Value.Length);
            assigned[i] = message.Key is null
                ? keyless >= 0 ? keyless : keyless = target.Sticky(KeylessBytes(messages, i))
                : KeyPartitioner.PartitionFor(message.Key, partitionCount);
            single &= assigned[i] == assigned[0];
        }

        var positions = new LogPosition[messages.Count];
        if (single)
        {
            var partition = target.Partitions[assigned[0]];
            var request = new AppendRequest(messages, sizes.Sum());
            partition.Enqueue(request);
            var first = await request.Completion.Task.WaitAsync(ct).ConfigureAwait(false);
            for (var i = 0; i < positions.Length; i++)
            {
                positions[i] = new LogPosition(partition.Id, first + i);
            }

            return positions;
        }

        var shares = new Dictionary<int, (List<LogMessage> Messages, List<int> Indexes, long Bytes)>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (!shares.TryGetValue(assigned[i], out var share))
            {
                share = ([], [], 0);
            }

            share.Messages.Add(messages[i]);
            share.Indexes.Add(i);
            shares[assigned[i]] = share with { Bytes = share.Bytes + sizes[i] };
        }

        var pending = new List<(Partition Partition, AppendRequest Request, List<int> Indexes)>(shares.Count);
        foreach (var (p, share) in shares)
        {
            var request = new AppendRequest(share.Messages, share.Bytes);
            target.Partitions[p].Enqueue(request);
            pending.Add((target.Partitions[p], request, share.Indexes));
        }

        try
        {
            await Task.WhenAll(pending.Select(x => x.Request.Completion.Task)).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && pending.Any(p => DurableOf(p.Request, p.Indexes).Any()))
        {
            // Each partition commits on its own: the shares that did are durable and will be read, so say which (a
            // share a failed write cut across names its own durable messages).
            var failed = pending.First(p => p.Request.Completion.Task.IsFaulted).Request.Completion.Task.Exception!.InnerException ?? e;
            var durable = pending.SelectMany(p => DurableOf(p.Request, p.Indexes)).Order().ToList();
            throw new PartialAppendException(
                $"{durable.Count} of {messages.Count} message(s) for topic '{topic}' were appended before a partition failed: {failed.Message}", durable, failed);
        }
        foreach (var (partition, request, indexes) in pending)
        {
            var first = request.Completion.Task.Result;
            for (var j = 0; j < indexes.Count; j++)
            {
                positions[indexes[j]] = new LogPosition(partition.Id, first + j);
            }
        }

        return positions;
    }

    /// <summary>The call's indexes of a share's messages that are in the log: all of a committed share, the named ones
    /// of a share that failed part way.</summary>
    private static IEnumerable<int> DurableOf(AppendRequest request, List<int> indexes) => request.Completion.Task switch
    {
        { IsCompletedSuccessfully: true } => indexes,
        { Exception.InnerException: PartialAppendException partial } => partial.Durable.Select(i => indexes[i]),
        _ => [],
    };

    private async ValueTask<EmbeddedTopic> CreateOnAppendAsync(string topic, CancellationToken ct)
    {
        LogNames.Validate(topic, "topic");
        if (!_options.AutoCreateTopics)
        {
            throw new KeyNotFoundException($"Topic '{topic}' does not exist and automatic topic creation is off; call EnsureTopicAsync first.");
        }

        return await GetOrCreateTopicAsync(topic, _options.DefaultPartitions, ct).ConfigureAwait(false);
    }

    /// <summary>Bytes of the keyless messages from <paramref name="first"/> on.</summary>
    private static long KeylessBytes(IReadOnlyList<LogMessage> messages, int first)
    {
        long bytes = 0;
        for (var i = first; i < messages.Count; i++)
        {
            if (messages[i].Key is null)
            {
                bytes += messages[i].Value.Length;
            }
        }
        return bytes;
    }
}
