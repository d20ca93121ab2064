using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Ingest;
using Emporium.Log;
using Emporium.Processing;
using Emporium.Tests.Datasets;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using static Emporium.Tests.Processing.StreamProcessorTests;

namespace Emporium.Tests.Processing;

/// <summary>A request sent with an Idempotency-Key whose records were appended twice (its retry reached a second ingest
/// process, which has its own key memory) lands once: in the warehouse, the clean zone and the dead letters, also after
/// a replay, a restart, and a crash between the claims and the rows. Two ingest processes cannot share an embedded log
/// (its processor therefore makes no claims by default), so these tests turn the claims on over it to drive every case
/// by hand; <see cref="ScaleOutProcessorTests"/> runs the real case on Kafka and PostgreSQL.</summary>
public sealed class RetriedRecordsTests
{
    private static readonly Lazy<List<Dictionary<string, string?>>> RetailRows = new(() => SampleRows.Csv(SampleData.OnlineRetail));

    [Fact]
    public async Task Real_orders_appended_again_by_a_second_ingest_process_land_once_with_their_dead_letter()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions
        {
            MaxBatchRecords = 1_000, Datasets = [DatasetCatalog.Orders, DatasetCatalog.DeadLetters], DropRetriedRecords = true,
        });
        var body = Encoding.UTF8.GetBytes(string.Join("\n",
            RetailRows.Value.Select(r => JsonSerializer.Serialize(r)).Append("""{"InvoiceNo":"536999","Quantity":"six"}""")));
        var valid = RetailRows.Value.Select(r => RecordNormalizer.Instance.Normalize(DatasetCatalog.Orders, r)).Where(r => r.IsValid).Select(r => r.Record!).ToList();
        // The sample's identical lines are distinct records of the request and must all stay.
        Assert.Contains(valid.GroupBy(r => TestRecords.Text(r.Values)), g => g.Count() > 1);
        var tag = IngestTag.For("/api/v1/ingest/orders|nightly-export-17", Convert.ToHexStringLower(SHA256.HashData(body)));

        var first = await IngestAsync(h, body, tag);
        var afterFirst = await h.Log.GetEndOffsetsAsync("orders", CancellationToken.None);
        var second = await IngestAsync(h, body, tag);
        var afterSecond = await h.Log.GetEndOffsetsAsync("orders", CancellationToken.None);
        Assert.Equal((valid.Count, 1), (first.Accepted, first.Rejected));
        Assert.Equal((first.Accepted, first.Rejected), (second.Accepted, second.Rejected));
        Assert.Equal(2L * valid.Count, afterSecond.Values.Sum());
        // The copies are in different partitions, as keyless appends of two requests are.
        Assert.NotEqual(afterFirst.Where(kv => kv.Value > 0).Select(kv => kv.Key), afterSecond.Where(kv => kv.Value > afterFirst.GetValueOrDefault(kv.Key)).Select(kv => kv.Key));

        await h.DrainAsync();
        await AssertLandedOnceAsync(h, valid);
        Assert.Equal(valid.Count + 1, h.Processor.Stats.RetriedRecords);
        Assert.Equal(2 * valid.Count, (await h.RawLinesAsync("orders")).Count);

        var replayed = await h.Processor.ReplayAsync(DatasetCatalog.Orders, 0, partition: null, CancellationToken.None);
        Assert.Contains(replayed, r => r.Rewound);
        await h.DrainAsync();
        await AssertLandedOnceAsync(h, valid);

        // A third attempt, to a process started since.
        await h.RestartAsync();
        await IngestAsync(h, body, tag);
        await h.DrainAsync();
        await AssertLandedOnceAsync(h, valid);
        Assert.Equal(valid.Count + 1, h.Processor.Stats.RetriedRecords);
    }

    [Fact]
    public async Task A_retried_old_version_of_a_product_never_overwrites_the_newer_one()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Products], DropRetriedRecords = true });
        var old = TestRecords.Product("B00RETRY01", 10, 1);
        var newer = TestRecords.Product("B00RETRY01", 20, 2);
        var tag = IngestTag.For("/AmazonProduct|k1", new string('a', 64)).Of(0);

        // In one batch: the first attempt, a newer version from another client, then the retry of the first.
        await h.Log.AppendAsync("products", [Tagged(old, tag)], CancellationToken.None);
        await h.Log.AppendAsync("products", [new LogMessage(newer.Key, CanonicalJson.Serialize(newer))], CancellationToken.None);
        await h.Log.AppendAsync("products", [Tagged(old, tag)], CancellationToken.None);
        await h.DrainAsync();
        Assert.Equal([[20.0, 2L]], (await h.QueryAsync("SELECT price, reviews FROM products")).Select(r => r.ToArray()).ToArray());
        Assert.Equal([[20.0, 2L]], (await h.LakeRowsAsync("products", "price, reviews")).Select(r => r.ToArray()).ToArray());

        // Across batches: the retry arrives after the newer version was committed.
        var tag2 = IngestTag.For("/AmazonProduct|k2", new string('b', 64)).Of(0);
        await h.Log.AppendAsync("products", [Tagged(old, tag2)], CancellationToken.None);
        await h.DrainAsync();
        await h.Log.AppendAsync("products", [new LogMessage(newer.Key, CanonicalJson.Serialize(newer))], CancellationToken.None);
        await h.DrainAsync();
        await h.Log.AppendAsync("products", [Tagged(old, tag2)], CancellationToken.None);
        await h.DrainAsync();
        Assert.Equal([[20.0, 2L]], (await h.QueryAsync("SELECT price, reviews FROM products")).Select(r => r.ToArray()).ToArray());
        Assert.Equal(2, h.Processor.Stats.RetriedRecords);
        Assert.Equal(6, (await h.RawLinesAsync("products")).Count);
    }

    [Fact]
    public async Task A_crash_after_the_claims_but_before_the_rows_lands_every_record_once()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders], DropRetriedRecords = true });
        var orders = Enumerable.Range(0, 120).Select(TestRecords.Order).ToList();
        var tag = IngestTag.For("/api/v1/ingest/orders|k", new string('c', 64));
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await h.Log.AppendAsync("orders", orders.Select((o, i) => Tagged(o, tag.Of(i))).ToList(), CancellationToken.None);
        }
        h.Warehouse.FaultInjection = s => { if (s == "rows") throw new IOException("simulated crash at " + s); };
        await Assert.ThrowsAsync<IOException>(() => h.Processor.RunOnceAsync(CancellationToken.None));
        h.Warehouse.FaultInjection = null;
        Assert.Equal(0L, (await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]);
        Assert.Equal((long)orders.Count, (await h.QueryAsync($"SELECT count(*) FROM {IngestClaim.Table}"))[0][0]);

        await h.RestartAsync();
        await h.DrainAsync();

        Assert.Equal(Expected(orders), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
        Assert.Equal(Expected(orders), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
    }

    [Fact]
    public async Task Over_the_embedded_log_the_processor_claims_nothing()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders] });
        var orders = Enumerable.Range(0, 50).Select(TestRecords.Order).ToList();
        var tag = IngestTag.For("/api/v1/ingest/orders|k", new string('d', 64));
        await h.Log.AppendAsync("orders", orders.Select((o, i) => Tagged(o, tag.Of(i))).ToList(), CancellationToken.None);

        await h.DrainAsync();

        Assert.False(((IEventLog)h.Log).MayRepeatTaggedAppends);
        Assert.Equal(Expected(orders), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
        Assert.Equal(0L, (await h.QueryAsync($"SELECT count(*) FROM {IngestClaim.Table}"))[0][0]);
    }

    /// <summary>Stored claims outlive the process, so the hash must stay what it was: the first 8 bytes of the tag's
    /// SHA-256, little-endian.</summary>
    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef:fedcba9876543210fedcba9876543210:0")]
    [InlineData("0123456789abcdef0123456789abcdef:fedcba9876543210fedcba9876543210:99999")]
    [InlineData("é")]
    public void A_tag_hash_is_the_head_of_its_sha256(string tag)
    {
        // Also past the stack buffer a usual tag fits in.
        foreach (var text in new[] { tag, tag + new string('x', 300) })
        {
            var expected = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            Assert.Equal(expected, RetriedRecords.HashOf(text));
        }
        Assert.NotEqual(RetriedRecords.HashOf(tag), RetriedRecords.HashOf(tag + "0"));
    }

    private static async Task AssertLandedOnceAsync(ProcessingHarness h, List<CanonicalRecord> valid)
    {
        Assert.Equal(Expected(valid), Texts(await h.QueryAsync($"SELECT {OrderColumns} FROM orders")));
        Assert.Equal(Expected(valid), Texts(await h.LakeRowsAsync("orders", OrderColumns)));
        // Named as the client spelled it.
        var letters = await h.QueryAsync("SELECT record_index, field FROM dead_letters");
        Assert.Equal([[(long)valid.Count, "Quantity"]], letters.Select(r => r.ToArray()).ToArray());
        // Independent of the text comparison: the revenue, as the marts compute it.
        var revenue = (double)(await h.QueryAsync("SELECT sum(quantity * unit_price) FROM orders"))[0][0]!;
        Assert.Equal(valid.Sum(o => (long)o["quantity"]! * (double)o["unit_price"]!), revenue, 6);
    }

    /// <summary>One ingest process: its own pipeline (the key memory of the second process does not know the first
    /// attempt, so the whole request is appended again).</summary>
    private static Task<IngestResult> IngestAsync(ProcessingHarness h, byte[] body, IngestTag tag) =>
        new IngestPipeline(h.Log, RecordNormalizer.Instance, new IngestStats(new IngestOptions(), TimeProvider.System), TimeProvider.System)
            .IngestAsync(DatasetCatalog.Orders, IngestBodyParser.Parse(body, BodyFormat.NdJson), "http:/api/v1/ingest/orders", tag, CancellationToken.None);

    internal static LogMessage Tagged(CanonicalRecord record, string tag)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CanonicalJson.Write(writer, record, tag);
        }
        return new LogMessage(record.Key, buffer.WrittenSpan.ToArray());
    }
}
