using System.Globalization;
using System.Text.Json;
using Emporium.Datasets;
using Emporium.Processing;

namespace Emporium.Tests.Processing;

/// <summary>A batch the warehouse refuses for its rows was retried forever, so one record stopped its dataset. The
/// processor now halves the batch until it finds the refused records, keeps each as a dead letter and lands the rest.</summary>
public sealed class StreamProcessorRefusalTests
{
    [Fact]
    public async Task Records_the_warehouse_refuses_become_dead_letters_and_the_rest_lands()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MaxBatchRecords = 64 });
        var refused = new HashSet<string> { "B0000007", "B0000008", "B0000100", "B0000199" };
        // A hook whose output the warehouse cannot store: DuckDB refuses a product without its key (NOT NULL).
        h.Processor.Hooks.Add("products", r => refused.Contains((string)r["asin"]!) ? new CanonicalRecord(r.Schema, [null, .. r.Values.Skip(1)]) : r);
        var products = Enumerable.Range(0, 200).Select(i => TestRecords.Product($"B{i:D7}", 10 + i, 1)).ToList();
        await h.AppendAsync(products);
        await h.DrainAsync();

        var landed = (await h.QueryAsync("SELECT asin FROM products ORDER BY asin")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(products.Select(p => (string)p["asin"]!).Where(a => !refused.Contains(a)).Order(StringComparer.Ordinal), landed);
        var letters = await h.QueryAsync("SELECT dataset, field, error, raw, source, request_id FROM dead_letters ORDER BY raw");
        Assert.Equal(refused.Order(StringComparer.Ordinal), letters.Select(l => JsonDocument.Parse((string)l[3]!).RootElement.GetProperty("asin").GetString()));
        Assert.All(letters, l =>
        {
            Assert.Equal("products", l[0]);
            Assert.Null(l[1]);
            Assert.StartsWith("the warehouse refused the record: Constraint Error: NOT NULL constraint failed", (string)l[2]!, StringComparison.Ordinal);
            Assert.Matches(@"^log:products/[01]@\d+$", (string)l[4]!);
            Assert.Equal("log:" + l[5], l[4]);
        });
        Assert.Equal(4, h.Processor.Stats.RefusedRecords);
        Assert.Equal(0, h.Processor.Stats.Failures);
        // Every position moved past the refused records, so records appended later land at once.
        await h.AppendAsync([TestRecords.Product("B0000200", 1, 1)]);
        await h.DrainAsync();
        Assert.Equal(197L, (await h.QueryAsync("SELECT count(*) FROM products"))[0][0]);

        // Exactly once: a restart re-reads nothing, so no dead letter or row is written twice.
        await h.RestartAsync();
        await h.DrainAsync();
        Assert.Equal(4L, (await h.QueryAsync("SELECT count(*) FROM dead_letters"))[0][0]);
        Assert.Equal(197L, (await h.QueryAsync("SELECT count(*) FROM products"))[0][0]);
        // The log and the raw zone keep every entry as it arrived.
        Assert.Equal(201, (await h.RawLinesAsync("products")).Count);
    }

    [Fact]
    public async Task A_replay_reads_refused_records_again_without_keeping_their_dead_letters_twice()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { MaxBatchRecords = 16 });
        var refused = new HashSet<string> { "B0000003", "B0000040" };
        h.Processor.Hooks.Add("products", r => refused.Contains((string)r["asin"]!) ? new CanonicalRecord(r.Schema, [null, .. r.Values.Skip(1)]) : r);
        await h.AppendAsync(Enumerable.Range(0, 50).Select(i => TestRecords.Product($"B{i:D7}", 10 + i, 1)));
        await h.DrainAsync();
        var before = await h.QueryAsync("SELECT source, raw FROM dead_letters ORDER BY source");
        Assert.Equal(2, before.Count);

        // A replay from past one refused record keeps that record's dead letter and re-reads only the other.
        var later = before.Select(l => ((string)l[0]!).Split('/', '@')).Select(p => (Partition: int.Parse(p[1], CultureInfo.InvariantCulture), Offset: long.Parse(p[2], CultureInfo.InvariantCulture)))
            .MaxBy(p => p.Offset);
        await h.Processor.ReplayAsync(DatasetCatalog.Products, later.Offset, later.Partition, CancellationToken.None);
        await h.DrainAsync();
        Assert.Equal(before, await h.QueryAsync("SELECT source, raw FROM dead_letters ORDER BY source"));

        // A replay of everything refuses both again: still one dead letter each, and every other product once.
        await h.Processor.ReplayAsync(DatasetCatalog.Products, 0, partition: null, CancellationToken.None);
        await h.DrainAsync();
        Assert.Equal(before, await h.QueryAsync("SELECT source, raw FROM dead_letters ORDER BY source"));
        Assert.Equal(48L, (await h.QueryAsync("SELECT count(*) FROM products"))[0][0]);
    }

    [Fact]
    public async Task A_failure_that_is_not_a_refusal_retries_the_batch_and_writes_no_dead_letter()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders] });
        await h.AppendAsync(Enumerable.Range(0, 10).Select(TestRecords.Order));
        var failures = 2;
        h.Warehouse.FaultInjection = step =>
        {
            if (step == "rows" && failures-- > 0)
            {
                throw new IOException("disk unavailable");
            }
        };
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await Assert.ThrowsAsync<IOException>(() => h.Processor.RunOnceAsync(CancellationToken.None));
        }
        await h.DrainAsync();

        Assert.Equal(10L, (await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]);
        Assert.Equal(0L, (await h.QueryAsync("SELECT count(*) FROM dead_letters"))[0][0]);
        Assert.Equal(0, h.Processor.Stats.RefusedRecords);
    }

    /// <summary>An order of a log written before <see cref="DatasetSchema.MaxPartitionValueBytes"/> existed, whose
    /// country no lake folder can be named after (ingest refuses it now; the log still holds it).</summary>
    private static CanonicalRecord OrderWithLongCountry(int i)
    {
        var values = TestRecords.Order(i).Values.ToArray();
        values[DatasetCatalog.Orders.IndexOf("country")] = new string('x', 200);
        return new CanonicalRecord(DatasetCatalog.Orders, values);
    }

    private const string LongCountryError = "a lake partition value may have at most 80 bytes of UTF-8, this one has 200";

    [Fact]
    public async Task An_old_log_record_with_a_country_too_long_for_the_lake_is_a_dead_letter_and_the_lake_goes_on()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders] });
        await h.AppendAsync([.. Enumerable.Range(0, 10).Select(TestRecords.Order), OrderWithLongCountry(10), .. Enumerable.Range(11, 10).Select(TestRecords.Order)]);
        await h.DrainAsync();
        await h.Processor.FlushLakeAsync(CancellationToken.None);

        Assert.Equal(0, h.Processor.Stats.Failures);
        Assert.Equal(20L, (await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]);
        Assert.Equal(20, (await h.LakeRowsAsync("orders")).Count);
        var letter = Assert.Single(await h.QueryAsync("SELECT dataset, field, error, raw, source FROM dead_letters"));
        Assert.Equal(["orders", "country", LongCountryError], letter[..3]);
        Assert.Contains(new string('x', 200), (string)letter[3]!);
        Assert.Matches(@"^log:orders/[01]@\d+$", (string)letter[4]!);
        Assert.Equal(1, h.Processor.Stats.RefusedRecords);

        // Exactly once: a restart and later records write it again nowhere.
        await h.RestartAsync();
        await h.AppendAsync([TestRecords.Order(30)]);
        await h.DrainAsync();
        await h.Processor.FlushLakeAsync(CancellationToken.None);
        Assert.Equal(1L, (await h.QueryAsync("SELECT count(*) FROM dead_letters"))[0][0]);
        Assert.Equal(21, (await h.LakeRowsAsync("orders")).Count);
        Assert.Equal(22, (await h.RawLinesAsync("orders")).Count);
    }

    [Fact]
    public async Task Without_a_lake_the_warehouse_commit_keeps_the_refused_record_as_a_dead_letter_once()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders], WriteLake = false, MaxBatchRecords = 8 });
        await h.AppendAsync([.. Enumerable.Range(0, 5).Select(TestRecords.Order), OrderWithLongCountry(5), OrderWithLongCountry(6), .. Enumerable.Range(7, 10).Select(TestRecords.Order)]);
        await h.DrainAsync();
        Assert.Equal(15L, (await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]);
        Assert.Equal(0L, (await h.QueryAsync("SELECT count(*) FROM orders WHERE length(country) > 80"))[0][0]);
        Assert.Equal([[2L, "country", LongCountryError]], await h.QueryAsync("SELECT count(*), min(field), min(error) FROM dead_letters"));
        await h.RestartAsync();
        await h.DrainAsync();
        Assert.Equal(2L, (await h.QueryAsync("SELECT count(*) FROM dead_letters"))[0][0]);
        Assert.Equal(15L, (await h.QueryAsync("SELECT count(*) FROM orders"))[0][0]);
    }

    [Fact]
    public async Task A_lake_stalled_behind_a_record_the_warehouse_took_before_the_limit_skips_it_as_a_dead_letter()
    {
        await using var h = await ProcessingHarness.StartAsync(new StreamProcessorOptions { Datasets = [DatasetCatalog.Orders] });
        await h.AppendAsync(Enumerable.Range(0, 5).Select(TestRecords.Order));
        await h.DrainAsync();
        await h.Processor.FlushLakeAsync(CancellationToken.None);

        // As a version without the limit left it: the warehouse committed the order, the lake never got past it.
        var old = new[] { OrderWithLongCountry(5) }.Concat(Enumerable.Range(6, 5).Select(TestRecords.Order)).ToList();
        await h.AppendAsync(old);
        var expected = await h.Warehouse.GetOffsetsAsync("stream", CancellationToken.None);
        var end = await h.Log.GetEndOffsetsAsync("orders", CancellationToken.None);
        await h.Warehouse.CommitAsync(new Emporium.Warehouse.WarehouseBatch(
            [new Emporium.Warehouse.DatasetRows(DatasetCatalog.Orders, old, "log:orders/0:0-0")], "stream", end,
            ExpectedOffsets: end.Keys.ToDictionary(tp => tp, tp => expected.GetValueOrDefault(tp, 0))), CancellationToken.None);
        await h.RestartAsync();
        await h.DrainAsync();
        await h.Processor.FlushLakeAsync(CancellationToken.None);

        Assert.Equal(0, h.Processor.Stats.Failures);
        Assert.Equal(10, (await h.LakeRowsAsync("orders")).Count);
        Assert.Equal([["country", LongCountryError]], await h.QueryAsync("SELECT field, error FROM dead_letters"));
        await h.RestartAsync();
        await h.DrainAsync();
        await h.Processor.FlushLakeAsync(CancellationToken.None);
        Assert.Equal(1L, (await h.QueryAsync("SELECT count(*) FROM dead_letters"))[0][0]);
    }
}
