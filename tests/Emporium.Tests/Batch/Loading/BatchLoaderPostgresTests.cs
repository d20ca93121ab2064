using Emporium.Batch.Loading;
using Emporium.Datasets;
using Emporium.Lake;
using Emporium.Lake.Local;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.Postgres;

namespace Emporium.Tests.Batch.Loading;

/// <summary>On PostgreSQL a file's chunks are written into one open transaction (<see cref="Emporium.Warehouse.IFileLoadWarehouse"/>):
/// a failure part way leaves none of its rows, and the result equals a chunk-by-chunk load of the same file.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BatchLoaderPostgresTests(PostgresServer server)
{
    private sealed class Setup : IAsyncDisposable
    {
        private readonly TempDir dir = new("batch-pg");

        private Setup(PostgresWarehouse warehouse, BatchLoaderOptions options)
        {
            Warehouse = warehouse;
            Lake = new LocalLakeStore(dir.Combine("lake"));
            Parquet = new ParquetWriter(dir.Combine("tmp"));
            Loader = new BatchLoader(warehouse, Lake, Parquet, RecordNormalizer.Instance, TimeProvider.System, options);
        }

        public PostgresWarehouse Warehouse { get; }

        public LocalLakeStore Lake { get; }

        public ParquetWriter Parquet { get; }

        public BatchLoader Loader { get; }

        public static async Task<Setup> StartAsync(PostgresServer server, BatchLoaderOptions options, string applicationName = "emporium")
        {
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("batch")) { ApplicationName = applicationName }.ConnectionString;
            var warehouse = new PostgresWarehouse(new PostgresWarehouseOptions { ConnectionString = connection });
            await warehouse.InitializeAsync(LoadSpec.Loadable, CancellationToken.None);
            return new Setup(warehouse, options);
        }

        public async Task<FileLoadResult> LoadAsync(string file) =>
            (await Loader.LoadAsync([file], new BatchLoadRequest(DatasetCatalog.Reviews), null, CancellationToken.None)).Files.Single();

        public async Task<List<string>> ReviewsAsync() =>
            [.. (await Warehouse.QueryAsync("SELECT review_id || '|' || rating || '|' || coalesce(text, '') FROM reviews ORDER BY review_id", CancellationToken.None)).Rows.Select(r => (string)r[0]!)];

        public Task<IReadOnlyList<string>> VisibleCleanAsync() => new LakeManifestStore(Lake).VisibleFilesAsync("reviews", LakeLayout.Clean, CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            await Warehouse.DisposeAsync();
            Parquet.Dispose();
            dir.Dispose();
        }
    }

    [Fact]
    public async Task A_failure_after_three_chunks_leaves_nothing_and_the_file_then_loads_as_chunk_by_chunk_would()
    {
        // The real McAuley reviews (3 176 lines, repeated review ids) in chunks of 500: seven chunks in one transaction.
        await using var one = await Setup.StartAsync(server, new BatchLoaderOptions { ChunkRows = 500 });
        await using var chunked = await Setup.StartAsync(server, new BatchLoaderOptions { ChunkRows = 500, OneTransactionPerFile = false });
        // Fail once three chunks are written: chunk by chunk, 1 500 rows would be committed by then.
        one.Loader.AfterChunk = rows =>
        {
            if (rows >= 1_500)
            {
                throw new IOException("injected failure after three chunks");
            }
        };

        var failed = await one.LoadAsync(SampleData.McAuleyReviews);
        Assert.Equal(FileLoadStatus.Failed, failed.Status);
        Assert.Empty(await one.ReviewsAsync()); // not one chunk of 500
        Assert.Empty(await one.VisibleCleanAsync());

        one.Loader.AfterChunk = null;
        var loaded = await one.LoadAsync(SampleData.McAuleyReviews);
        var reference = await chunked.LoadAsync(SampleData.McAuleyReviews);

        Assert.Equal(FileLoadStatus.Loaded, loaded.Status);
        Assert.True(loaded.RowsRead > 3 * 500, "the file spans several chunks");
        Assert.Equal((reference.RowsRead, reference.RowsLoaded, reference.RowsDuplicateKey, reference.RowsRejected),
            (loaded.RowsRead, loaded.RowsLoaded, loaded.RowsDuplicateKey, loaded.RowsRejected));
        var rows = await one.ReviewsAsync();
        Assert.True(loaded.RowsDuplicateKey > 0, "repeated review ids: the upsert across chunks is exercised");
        Assert.Equal(rows.Count, loaded.RowsLoaded);
        Assert.Equal(await chunked.ReviewsAsync(), rows);
        Assert.NotEmpty(await one.VisibleCleanAsync());
    }

    /// <summary>PostgreSQL ends the load's session part way (an operator's <c>pg_terminate_backend</c>, a failover):
    /// the load fails as a warehouse outage (which the API answers 503 and the CLI names), nothing of the file is in the
    /// warehouse or visible in the lake, and loading it again lands it once.</summary>
    [Fact]
    public async Task A_load_whose_PostgreSQL_session_is_terminated_part_way_leaves_nothing_and_then_loads_once()
    {
        await using var one = await Setup.StartAsync(server, new BatchLoaderOptions { ChunkRows = 500 }, "emporium batch load");
        await using var chunked = await Setup.StartAsync(server, new BatchLoaderOptions { ChunkRows = 500, OneTransactionPerFile = false });
        one.Loader.AfterChunk = rows =>
        {
            if (rows >= 1_500)
            {
                using var admin = new Npgsql.NpgsqlConnection(server.AdminConnectionString);
                admin.Open();
                using var kill = new Npgsql.NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'emporium batch load' AND state <> 'idle'", admin);
                Assert.Equal(1L, (long)kill.ExecuteScalar()!);
                one.Loader.AfterChunk = null;
            }
        };

        var e = await Assert.ThrowsAnyAsync<Exception>(() => one.LoadAsync(SampleData.McAuleyReviews));
        Assert.NotNull(PostgresOutage.Explain(e));
        Assert.Empty(await one.ReviewsAsync());
        Assert.Empty(await one.VisibleCleanAsync());

        var loaded = await one.LoadAsync(SampleData.McAuleyReviews);
        var reference = await chunked.LoadAsync(SampleData.McAuleyReviews);
        Assert.Equal(FileLoadStatus.Loaded, loaded.Status);
        Assert.Equal((reference.RowsRead, reference.RowsLoaded, reference.RowsDuplicateKey, reference.RowsRejected),
            (loaded.RowsRead, loaded.RowsLoaded, loaded.RowsDuplicateKey, loaded.RowsRejected));
        Assert.Equal(await chunked.ReviewsAsync(), await one.ReviewsAsync());
        var clean = await one.VisibleCleanAsync();
        Assert.Equal(loaded.RowsRead - loaded.RowsRejected, Convert.ToInt64(Assert.Single(await LakeParquet.QueryAsync(one.Lake, clean, "count(*)"))[0]));
    }

    [Fact]
    public async Task A_forced_reload_replaces_the_files_rows_inside_the_one_transaction()
    {
        await using var one = await Setup.StartAsync(server, new BatchLoaderOptions { ChunkRows = 500 });
        await one.LoadAsync(SampleData.McAuleyReviews);
        var before = await one.ReviewsAsync();

        var again = await one.Loader.LoadAsync([SampleData.McAuleyReviews], new BatchLoadRequest(DatasetCatalog.Reviews) { Force = true }, null, CancellationToken.None);

        Assert.Equal(FileLoadStatus.Loaded, again.Files.Single().Status);
        Assert.Equal(before, await one.ReviewsAsync());
    }

    /// <summary>A key repeated across chunks of one file counts once as loaded on PostgreSQL too (each chunk's upsert
    /// keeps its last row of a key, and a later chunk replaces an earlier one's).</summary>
    [Fact]
    public async Task Rows_whose_key_a_later_row_repeats_across_chunks_count_as_duplicates()
    {
        await using var setup = await Setup.StartAsync(server, new BatchLoaderOptions { ChunkRows = 2 });
        using var dir = new TempDir("batch-pg-dup");
        var file = dir.Combine("reviews.ndjson");
        File.WriteAllLines(file, new[] { "r1", "r2", "r1", "r3", "r1" }.Select((id, i) => $"{{\"review_id\":\"{id}\",\"asin\":\"A\",\"rating\":{i + 1},\"text\":\"t\"}}"));

        var result = await setup.LoadAsync(file);

        Assert.Equal((5L, 3L, 2L, 0L), (result.RowsRead, result.RowsLoaded, result.RowsDuplicateKey, result.RowsRejected));
        Assert.Equal(["r1|5|t", "r2|2|t", "r3|4|t"], await setup.ReviewsAsync());
    }
}
