using DuckDB.NET.Data;
using Emporium.Datasets;
using Emporium.Datasets.Values;
using Emporium.Sources;

namespace Emporium.Tests.Datasets.Values;

public sealed class SqlValueRulesTests
{
    public static TheoryData<string> Schemas => [.. DatasetCatalog.All.Concat(SeedDatasets.All).Select(s => s.Name)];

    /// <summary>The bulk path numbers rows by their place in the staged table, so the statement that checks and converts
    /// them must keep file order: its plan may not hold a join (DuckDB planned the boolean check, once an IN list of
    /// eight spellings, as a hash join, which reorders rows).</summary>
    [Theory]
    [MemberData(nameof(Schemas))]
    public void EveryDatasetsChecksAndValuesPlanWithoutAJoin(string name)
    {
        var schema = DatasetCatalog.All.Concat(SeedDatasets.All).Single(s => s.Name == name);
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        var rules = schema.Columns.Select((c, i) => SqlValueRules.For(c, $"c{i}", $"_t{i}")).ToList();
        var casts = string.Concat(rules.Select((r, i) => r.Typed is null ? "" : $", {r.Typed} AS _t{i}"));
        var fields = string.Join(", ", schema.Columns.Select((_, i) => $"CAST(range + {i} AS VARCHAR) AS c{i}"));
        var check = string.Join(" AND ", rules.Select(r => $"({r.Fast})"));
        var values = string.Join(", ", rules.Select(r => $"CASE WHEN _ok THEN {r.Value} END"));
        using var explain = db.CreateCommand();
        explain.CommandText = $"EXPLAIN SELECT {values} FROM (SELECT *, {check} AS _ok FROM (SELECT *{casts} FROM (SELECT {fields} FROM range(1000))))";
        using var reader = explain.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(1));
        }

        Assert.Contains("RANGE", string.Concat(plan), StringComparison.Ordinal);
        Assert.DoesNotContain("JOIN", string.Concat(plan), StringComparison.Ordinal);
    }
}
