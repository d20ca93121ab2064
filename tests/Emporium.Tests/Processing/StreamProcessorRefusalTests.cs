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
}
