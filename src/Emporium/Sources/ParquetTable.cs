using DuckDB.NET.Data;
using Emporium.Datasets;

namespace Emporium.Sources;

/// <summary>Reads a Parquet file back into canonical records through an in-memory DuckDB (the counterpart of
/// <see cref="Emporium.Lake.ParquetWriter"/>), for DAG steps that load a clean file into the warehouse.</summary>
public static class ParquetTable
{
    /// <summary>Reads a Parquet file into records of <paramref name="schema"/>; a schema column the file lacks is null.</summary>
    public static IReadOnlyList<CanonicalRecord> Read(DatasetSchema schema, string localPath)
    {
        using var conn = new DuckDBConnection("DataSource=:memory:");
        conn.Open();
        var present = new HashSet<string>(StringComparer.Ordinal);
        using (var describe = conn.CreateCommand())
        {
            describe.CommandText = $"SELECT name FROM parquet_schema('{Escape(localPath)}')";
            using var reader = describe.ExecuteReader();
            while (reader.Read())
            {
                present.Add(reader.GetString(0));
            }
        }
        var select = string.Join(", ", schema.Columns.Select(c => present.Contains(c.Name)
            ? $"CAST(\"{c.Name}\" AS {SqlType(c.Type)})"
            : $"CAST(NULL AS {SqlType(c.Type)})"));
        using var cmd = conn.CreateCommand();
        cmd.CommandText = $"SELECT {select} FROM read_parquet('{Escape(localPath)}')";
        using var rows = cmd.ExecuteReader();
        var result = new List<CanonicalRecord>();
        while (rows.Read())
        {
            var values = new object?[schema.Columns.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = rows.IsDBNull(i) ? null : schema.Columns[i].Type switch
                {
                    ColumnType.Text => rows.GetString(i),
                    ColumnType.Integer => rows.GetInt64(i),
                    ColumnType.Double => rows.GetDouble(i),
                    ColumnType.Boolean => rows.GetBoolean(i),
                    ColumnType.Timestamp => DateTime.SpecifyKind(rows.GetDateTime(i), DateTimeKind.Utc),
                    _ => null,
                };
            }
            result.Add(new CanonicalRecord(schema, values));
        }
        return result;
    }

    private static string SqlType(ColumnType type) => type switch
    {
        ColumnType.Text => "VARCHAR",
        ColumnType.Integer => "BIGINT",
        ColumnType.Double => "DOUBLE",
        ColumnType.Boolean => "BOOLEAN",
        ColumnType.Timestamp => "TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static string Escape(string path) => path.Replace("'", "''", StringComparison.Ordinal);
}
