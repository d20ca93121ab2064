using Emporium.Datasets;
using Emporium.Ingest;
using Emporium.Log;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;

namespace Emporium.Tests.Warehouse;

/// <summary>The write-path scenarios every warehouse backend must pass: latest record per key wins, append keeps
/// duplicates, rows and offsets commit together, stale writers are fenced, replays delete exactly their ranges.
/// Each backend's test class derives from it and supplies a fresh, initialized warehouse per test.</summary>
public abstract class WarehouseScenarioTests
{
    protected static readonly TopicPartition Categories0 = new("categories", 0);
    protected static readonly TopicPartition Orders0 = new("orders", 0);

    protected abstract IWarehouse Warehouse { get; }

    /// <summary>Installs (or clears) a hook that runs inside the open commit transaction at each step.</summary>
    protected abstract void SetFault(Action<string>? fault);

    protected static CanonicalRecord Category(long id, string name) => new(DatasetCatalog.Categories, [id, name]);

    protected static CanonicalRecord Order(string invoice, long quantity, double price) =>
        new(DatasetCatalog.Orders, [invoice, "85123A", "HEART", quantity, new DateTime(2010, 12, 1, 8, 26, 0, DateTimeKind.Utc), price, 17850L, "United Kingdom"]);

    protected async Task<List<object?[]>> Rows(string sql) => [.. (await Warehouse.QueryAsync(sql, CancellationToken.None)).Rows];

    [Fact]
    public async Task Upsert_keeps_the_latest_record_per_key_within_and_across_batches()
    {
        await Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Categories, [Category(1, "a"), Category(2, "b"), Category(1, "a2")], "log:categories/0:0-2")],
            "processor", new Dictionary<TopicPartition, long> { [Categories0] = 3 }), CancellationToken.None);
        await Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Categories, [Category(2, "b2")], "log:categories/0:3-3")],
            "processor", new Dictionary<TopicPartition, long> { [Categories0] = 4 }), CancellationToken.None);

        var rows = await Rows("SELECT id, category_name, _source FROM categories ORDER BY id");
        Assert.Equal(2, rows.Count);
        Assert.Equal([1L, "a2", "log:categories/0:0-2"], rows[0]);
        Assert.Equal([2L, "b2", "log:categories/0:3-3"], rows[1]);
        Assert.Equal(4, (await Warehouse.GetOffsetsAsync("processor", CancellationToken.None))[Categories0]);
    }

    [Fact]
    public async Task Append_keeps_identical_lines_and_stamps_lineage()
    {
        var line = Order("536365", 6, 2.55);
        await Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [line, line, Order("536366", 2, 1.85)], "log:orders/0:0-2")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 3 }), CancellationToken.None);

        var rows = await Rows("SELECT invoice_no, quantity, unit_price, invoice_date, customer_id, _source, _loaded_at IS NOT NULL FROM orders ORDER BY invoice_no");
        Assert.Equal(3, rows.Count);
        Assert.Equal(2, rows.Count(r => (string)r[0]! == "536365"));
        Assert.Equal(new DateTime(2010, 12, 1, 8, 26, 0), rows[0][3]);
        Assert.Equal(17850L, rows[0][4]);
        Assert.All(rows, r => Assert.Equal("log:orders/0:0-2", r[5]));
        Assert.All(rows, r => Assert.Equal(true, r[6]));
    }

    [Theory]
    [InlineData("rows")]
    [InlineData("offsets")]
    public async Task A_failure_mid_commit_writes_neither_rows_nor_offsets(string step)
    {
        SetFault(s => { if (s == step) throw new IOException("simulated crash at " + s); });
        await Assert.ThrowsAsync<IOException>(() => Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0"),
             new DatasetRows(DatasetCatalog.Categories, [Category(7, "x")], "log:categories/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1, [Categories0] = 1 }), CancellationToken.None));
        SetFault(null);

        Assert.Equal(0L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
        Assert.Equal(0L, (await Rows("SELECT count(*) FROM categories"))[0][0]);
        Assert.Empty(await Warehouse.GetOffsetsAsync("processor", CancellationToken.None));

        // The writer is still usable afterwards, staging tables included.
        await Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 }), CancellationToken.None);
        Assert.Equal(1L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
    }

    [Fact]
    public async Task A_constraint_violation_in_a_later_dataset_rolls_back_the_earlier_one()
    {
        var bad = new CanonicalRecord(DatasetCatalog.Categories, [null, "no id"]);
        await Assert.ThrowsAnyAsync<Exception>(() => Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0"),
             new DatasetRows(DatasetCatalog.Categories, [bad], "log:categories/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 }), CancellationToken.None));

        Assert.Equal(0L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
        Assert.Empty(await Warehouse.GetOffsetsAsync("processor", CancellationToken.None));
    }

    [Fact]
    public async Task A_commit_from_a_stale_position_is_refused_and_writes_nothing()
    {
        await Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 },
            ExpectedOffsets: new Dictionary<TopicPartition, long> { [Orders0] = 0 }), CancellationToken.None);

        var conflict = await Assert.ThrowsAsync<OffsetConflictException>(() => Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1)], "log:orders/0:0-0")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 1 },
            ExpectedOffsets: new Dictionary<TopicPartition, long> { [Orders0] = 0 }), CancellationToken.None));
        Assert.Equal(1, conflict.Actual);
        Assert.Equal(1L, (await Rows("SELECT count(*) FROM orders"))[0][0]);
    }

    [Fact]
    public async Task Delete_sources_removes_exactly_those_ranges_in_the_same_transaction()
    {
        await Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.Orders, [Order("1", 1, 1), Order("2", 1, 1)], "log:orders/0:0-1"),
             new DatasetRows(DatasetCatalog.Orders, [Order("3", 1, 1)], "log:orders/0:2-2")],
            "processor", new Dictionary<TopicPartition, long> { [Orders0] = 3 }), CancellationToken.None);
        await Warehouse.CommitAsync(new WarehouseBatch([], "processor", new Dictionary<TopicPartition, long> { [Orders0] = 2 },
            DeleteSources: ["log:orders/0:2-2"], DeleteFrom: [DatasetCatalog.Orders]), CancellationToken.None);

        Assert.Equal([["1"], ["2"]], (await Rows("SELECT invoice_no FROM orders ORDER BY 1")).Select(r => r.Cast<object>().ToArray()).ToArray());
        Assert.Equal(2, (await Warehouse.GetOffsetsAsync("processor", CancellationToken.None))[Orders0]);
    }

    [Fact]
    public async Task Dead_letters_are_one_table_definition_read_back_newest_first_and_open_to_the_explorer()
    {
        // A real UCI line, as a client would have sent it before it was rejected.
        var raw = File.ReadLines(SampleData.OnlineRetail).Skip(1).First();
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        DeadLetter[] letters =
        [
            new("r1", "orders", 0, "http:/api/v1/ingest/orders", at, [new FieldError("quantity", "expected an integer, got \"six\""), new FieldError("unit_price", "required field is missing")], raw),
            new("r1", "orders", 3, "http:/api/v1/ingest/orders", at, [new FieldError("", "line 4: not valid JSON")], "{not json"),
            new("r2", "products", 1, "http:/AmazonProduct", at.AddSeconds(5), [new FieldError("stars", "out of range: expected 0 to 5, got 7")], "{\"asin\":\"B0\",\"stars\":7}"),
        ];
        await Warehouse.CommitAsync(new WarehouseBatch(
            [new DatasetRows(DatasetCatalog.DeadLetters, letters.Select(l => l.ToRecord()).ToList(), "log:dead_letters/0:0-2")],
            "processor", new Dictionary<TopicPartition, long> { [new TopicPartition("dead_letters", 0)] = 3 }), CancellationToken.None);

        var query = new DeadLetterQuery(Warehouse);
        var latest = await query.LatestAsync(null, 10, 0, CancellationToken.None);
        Assert.Equal(["products", "orders", "orders"], latest.Select(l => l.Dataset));
        var orders = await query.LatestAsync("ORDERS", 10, 0, CancellationToken.None);
        Assert.Equal([3, 0], orders.Select(l => l.Index));
        Assert.Equal(letters[0].Errors, orders[1].Errors);
        Assert.Equal((letters[0].RequestId, letters[0].Source, letters[0].ReceivedAt, raw), (orders[1].RequestId, orders[1].Source, orders[1].ReceivedAt, orders[1].Raw));
        Assert.Equal(letters[1].Errors, orders[0].Errors);
        Assert.Equal(2, await query.CountAsync("orders", CancellationToken.None));
        Assert.Single(await query.LatestAsync("orders", 1, 0, CancellationToken.None));

        var byField = await Warehouse.QueryReadOnlyAsync(
            "SELECT field, count(*) AS n FROM dead_letters WHERE field IS NOT NULL GROUP BY field ORDER BY field", 100, CancellationToken.None);
        Assert.Equal([("quantity", 1L), ("stars", 1L)], byField.Rows.Select(r => ((string)r[0]!, Convert.ToInt64(r[1], System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task An_ingest_tag_stays_claimed_by_its_first_entry_and_a_reclaim_gets_the_same_answer()
    {
        var orders1 = new TopicPartition("orders", 1);
        var first = await Warehouse.ClaimIngestTagsAsync(
            [new IngestClaim(11, Orders0, 5), new IngestClaim(12, Orders0, 6), new IngestClaim(11, orders1, 9)], null, CancellationToken.None);
        // Within one call the first claim of a tag wins.
        Assert.Equal(new IngestClaim(11, Orders0, 5), first[11]);
        Assert.Equal(new IngestClaim(12, Orders0, 6), first[12]);

        // A copy elsewhere loses to the stored claim; the first entry re-read (a crash, a replay) keeps it.
        var again = await Warehouse.ClaimIngestTagsAsync(
            [new IngestClaim(11, orders1, 2), new IngestClaim(12, Orders0, 6), new IngestClaim(-13, orders1, 3)], null, CancellationToken.None);
        Assert.Equal(3, again.Count);
        Assert.Equal(new IngestClaim(11, Orders0, 5), again[11]);
        Assert.Equal(new IngestClaim(12, Orders0, 6), again[12]);
        Assert.Equal(new IngestClaim(-13, orders1, 3), again[-13]);

        // Claims younger than the cut-off stay; older ones are forgotten, and the tag can be claimed anew.
        await Warehouse.ClaimIngestTagsAsync([], DateTime.UtcNow.AddHours(-1), CancellationToken.None);
        Assert.Equal(3L, (await Rows($"SELECT count(*) FROM {IngestClaim.Table}"))[0][0]);
        var fresh = await Warehouse.ClaimIngestTagsAsync([new IngestClaim(11, orders1, 2)], DateTime.UtcNow.AddHours(1), CancellationToken.None);
        Assert.Equal(new IngestClaim(11, orders1, 2), fresh[11]);
        Assert.Equal(1L, (await Rows($"SELECT count(*) FROM {IngestClaim.Table}"))[0][0]);
    }

    [Fact]
    public async Task A_catch_up_batch_of_claims_gets_every_winner_old_and_new()
    {
        var claims = Enumerable.Range(0, 20_000).Select(i => new IngestClaim(i * 7919L, Orders0, i)).ToList();
        await Warehouse.ClaimIngestTagsAsync(claims.Where(c => c.Offset % 3 == 0).ToList(), null, CancellationToken.None);

        var winners = await Warehouse.ClaimIngestTagsAsync(claims, null, CancellationToken.None);

        Assert.Equal(claims.Count, winners.Count);
        Assert.All(claims, c => Assert.Equal(c, winners[c.TagHash]));
    }
}
