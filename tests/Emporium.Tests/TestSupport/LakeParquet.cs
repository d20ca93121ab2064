using DuckDB.NET.Data;
using Emporium.Lake;

namespace Emporium.Tests.TestSupport;

/// <summary>Reads lake Parquet files from any lake store (S3 included) with DuckDB: the files are copied to a temp
/// folder first, so the check does not depend on DuckDB's own object-store support.</summary>
public static class LakeParquet
{
    /// <summary>Rows of <c>SELECT {select} FROM read_parquet([files], union_by_name = true) {rest}</c>.</summary>
    public static async Task<List<object?[]>> QueryAsync(ILakeStore lake, IEnumerable<string> paths, string select, string rest = "")
    {
        using var dir = new TempDir("lake-parquet");
        var locals = new List<string>();
        foreach (var path in paths)
        {
            var local = dir.Combine($"{locals.Count}.parquet");
            await using (var source = await lake.OpenReadAsync(path, CancellationToken.None) ?? throw new FileNotFoundException($"lake file missing: {path}"))
            await using (var target = File.Create(local))
            {
                await source.CopyToAsync(target);
            }
            locals.Add(local);
        }
        return Query(locals, select, rest);
    }

    /// <summary>Rows of <c>SELECT {select} FROM read_parquet([local files], union_by_name = true) {rest}</c>.</summary>
    public static List<object?[]> Query(IEnumerable<string> localPaths, string select, string rest = "")
    {
        using var duck = new DuckDBConnection("Data Source=:memory:");
        duck.Open();
        using var command = duck.CreateCommand();
        command.CommandText = $"SELECT {select} FROM read_parquet([{string.Join(", ", localPaths.Select(l => $"'{l.Replace("'", "''", StringComparison.Ordinal)}'"))}], union_by_name = true) {rest}";
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }
}
