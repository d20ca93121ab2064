using Emporium.Datasets;
using Emporium.Log;

namespace Emporium.Warehouse;

/// <summary>A warehouse that takes one file's rows over several writes (so the loader holds one chunk in memory at a
/// time) and commits them in one transaction with the file's offsets: a crash part way leaves none of them.</summary>
public interface IFileLoadWarehouse
{
    /// <summary>Starts a file load into <paramref name="schema"/>'s table, under the consumer group
    /// <paramref name="group"/>. Rows of <paramref name="replaceSource"/> (a forced reload) are deleted first, in the
    /// same transaction. Disposing the load without <see cref="IFileLoad.CommitAsync"/> rolls everything back.</summary>
    Task<IFileLoad> BeginFileLoadAsync(DatasetSchema schema, string group, string? replaceSource, CancellationToken ct);
}

/// <summary>One file's load in progress (see <see cref="IFileLoadWarehouse"/>).</summary>
public interface IFileLoad : IAsyncDisposable
{
    /// <summary>Writes the next rows, in file order; later rows of a key win over earlier ones, as in one batch. Throws
    /// <see cref="RowsRefusedException"/> when the warehouse refuses them for the rows themselves: nothing of this
    /// write is kept, the earlier writes are, and the load can go on.</summary>
    Task WriteAsync(DatasetRows rows, CancellationToken ct);

    /// <summary>Stores the offsets and commits every row written.</summary>
    Task CommitAsync(IReadOnlyDictionary<TopicPartition, long> offsets, CancellationToken ct);
}
