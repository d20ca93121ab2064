using DuckDB.NET.Data;

namespace Emporium.Warehouse.DuckDb;

/// <summary>Reads a DuckDB result into the API's tabular shape, streaming so a row cap stops the scan early, and
/// interrupting the query when the token fires.</summary>
internal static class DuckDbResults
{
    public static QueryResult Read(DuckDBCommand cmd, int maxRows, CancellationToken ct, long maxBytes = long.MaxValue)
    {
        cmd.UseStreamingMode = true;
        using var reg = ct.Register(cmd.Cancel);
        try
        {
            using var reader = cmd.ExecuteReader();
            // Synchronous on purpose: cancellation goes through cmd.Cancel (DuckDB's interrupt), registered above.
            // With async: false the ValueTask has already completed.
            return QueryResultReader.ReadAsync(reader, DuckDbValues.Instance, maxRows, maxBytes, async: false, ct).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // An interrupted query surfaces as a DuckDB error; report it as the cancellation it is.
            throw new OperationCanceledException(ct);
        }
    }
}
