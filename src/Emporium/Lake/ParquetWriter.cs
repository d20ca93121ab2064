using DuckDB.NET.Data;
using Emporium.Datasets;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Lake;

/// <summary>Writes rows to Parquet (zstd) with DuckDB: rows go through the Appender into a table of a private
/// in-memory database, <c>COPY … TO</c> a local temp file, and the file is uploaded to the lake atomically. One
/// instance keeps one in-memory database open; calls are serialized, and disposal waits for the call in progress: the
/// connection is native, and closing it under a running write frees memory the write still uses.</summary>
public sealed class ParquetWriter : IDisposable
{
    private readonly DuckDBConnection _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly string _tempDirectory;
    private bool _disposed;

    /// <param name="tempDirectory">Where Parquet files are written before the upload; default the OS temp folder.</param>
    /// <param name="threads">DuckDB threads for the encoding; default one per core.</param>
    public ParquetWriter(string? tempDirectory = null, int? threads = null)
    {
        _tempDirectory = tempDirectory ?? Path.GetTempPath();
        Directory.CreateDirectory(_tempDirectory);
        _connection = new DuckDBConnection("Data Source=:memory:");
        _connection.Open();
        if (threads is { } n)
        {
            Execute($"SET threads = {n}");
        }
    }

    /// <summary>Writes the rows (values aligned with <paramref name="columns"/>) to a local Parquet file.</summary>
    /// <returns>Rows written.</returns>
    public async Task<long> WriteLocalAsync(string localPath, IReadOnlyList<ColumnSchema> columns, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var definition = string.Join(", ", columns.Select(c => $"{DuckDbSql.Quote(c.Name)} {DuckDbSql.TypeOf(c.Type)}"));
            Execute($"CREATE OR REPLACE TABLE parquet_rows ({definition})");
            long count = 0;
            using (var appender = _connection.CreateAppender("parquet_rows"))
            {
                foreach (var values in rows)
                {
                    if ((count & 1023) == 0)
                    {
                        ct.ThrowIfCancellationRequested();
                    }
                    var row = appender.CreateRow();
                    foreach (var value in values)
                    {
                        DuckDbAppend.Value(row, value);
                    }
                    row.EndRow();
                    count++;
                }
            }
            Execute($"COPY parquet_rows TO {DuckDbSql.Literal(localPath)} (FORMAT parquet, COMPRESSION zstd)");
            Execute("DROP TABLE parquet_rows");
            return count;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Writes rows into one local Parquet file per group in a single DuckDB <c>COPY … PARTITION_BY</c> (much
    /// cheaper than one COPY per file when a batch spans hundreds of partitions).</summary>
    /// <param name="directory">Empty local folder to write into.</param>
    /// <param name="rows">Values aligned with <paramref name="columns"/>, each with its group number.</param>
    /// <returns>Per group: the local file and its row count.</returns>
    public async Task<IReadOnlyDictionary<int, (string File, long Rows)>> WriteGroupsLocalAsync(
        string directory, IReadOnlyList<ColumnSchema> columns, IEnumerable<(int Group, object?[] Values)> rows, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var definition = string.Join(", ", columns.Select(c => $"{DuckDbSql.Quote(c.Name)} {DuckDbSql.TypeOf(c.Type)}").Append("\"__group\" BIGINT"));
            Execute($"CREATE OR REPLACE TABLE parquet_rows ({definition})");
            var counts = new Dictionary<int, long>();
            using (var appender = _connection.CreateAppender("parquet_rows"))
            {
                foreach (var (group, values) in rows)
                {
                    var row = appender.CreateRow();
                    foreach (var value in values)
                    {
                        DuckDbAppend.Value(row, value);
                    }
                    row.AppendValue((long?)group).EndRow();
                    counts[group] = counts.GetValueOrDefault(group) + 1;
                }
            }
            // One thread in this private instance: exactly one file per partition folder.
            Execute("SET threads = 1");
            Execute($"COPY parquet_rows TO {DuckDbSql.Literal(directory)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (\"__group\"), OVERWRITE_OR_IGNORE true)");
            Execute("DROP TABLE parquet_rows");
            var result = new Dictionary<int, (string, long)>();
            foreach (var (group, count) in counts)
            {
                var folder = Path.Combine(directory, $"__group={group}");
                var files = Directory.GetFiles(folder, "*.parquet");
                if (files.Length != 1)
                {
                    throw new InvalidOperationException($"expected one Parquet file in {folder}, found {files.Length}");
                }
                result[group] = (files[0], count);
            }
            return result;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Writes the rows to <paramref name="path"/> in the lake.</summary>
    /// <returns>Rows and bytes written.</returns>
    public async Task<(long Rows, long Bytes)> WriteAsync(ILakeStore lake, string path, IReadOnlyList<ColumnSchema> columns, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        LakePath.Validate(path);
        var temp = ScratchFolder.NewPath(_tempDirectory, "parquet", ".parquet");
        try
        {
            var count = await WriteLocalAsync(temp, columns, rows, ct).ConfigureAwait(false);
            var bytes = new FileInfo(temp).Length;
            await lake.WriteFileAsync(path, temp, ct).ConfigureAwait(false);
            return (count, bytes);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Writes the rows of local Parquet files, in the order given, to one local Parquet file (columns matched
    /// by name, so files written before a column was added merge with later ones; the missing values are null).</summary>
    /// <returns>Rows written.</returns>
    public async Task<long> MergeLocalAsync(IReadOnlyList<string> inputs, string localPath, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(inputs.Count);
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var list = "[" + string.Join(", ", inputs.Select(DuckDbSql.Literal)) + "]";
            Execute($"COPY (SELECT * FROM read_parquet({list}, union_by_name = true)) TO {DuckDbSql.Literal(localPath)} (FORMAT parquet, COMPRESSION zstd)");
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = $"SELECT count(*) FROM read_parquet({DuckDbSql.Literal(localPath)})";
            return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            _lock.Release();
        }
    }

    private void Execute(string sql)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Waits for the call in progress (each is bounded by its own rows and token), then closes the
    /// database; later calls throw <see cref="ObjectDisposedException"/>. The lock itself is not disposed, so a call
    /// waiting for it gets that refusal rather than a lock that vanished under it.</summary>
    public void Dispose()
    {
        _lock.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _connection.Dispose();
        }
        finally
        {
            _lock.Release();
        }
    }
}
