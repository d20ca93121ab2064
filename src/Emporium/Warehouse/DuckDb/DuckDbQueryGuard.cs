using System.Collections.Immutable;
using System.Text.Json;

namespace Emporium.Warehouse.DuckDb;

/// <summary>Decides whether a user's SQL may run, from DuckDB's own parse tree (<c>json_serialize_sql</c>), never
/// from string matching. Allow-list rules: exactly one SELECT; tables only from the warehouse's own tables and views
/// (or CTEs of the query); table functions only from a short pure list; scalar/aggregate/window functions only
/// built-ins that touch neither files, the network, the environment nor settings. <c>json_serialize_sql</c> itself
/// refuses every non-SELECT statement (INSERT, COPY, ATTACH, INSTALL, LOAD, PRAGMA, SET, EXPORT…).</summary>
internal sealed class DuckDbQueryGuard(IReadOnlySet<string> relations, IReadOnlySet<string> functions)
{
    /// <summary>Table functions that only generate values.</summary>
    public static readonly IReadOnlySet<string> TableFunctions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "range", "generate_series", "unnest",
    };

    /// <summary>Built-in scalars that read the environment, settings or logs, or write logs, and those that run or
    /// bind SQL given as text, which this check never sees: binding alone globs paths and opens files
    /// (<c>json_serialize_plan('SELECT * FROM read_parquet(''/etc/*'')')</c> names the files it finds).</summary>
    public static readonly IReadOnlySet<string> DeniedFunctions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "getenv", "current_setting", "write_log", "json_execute_serialized_sql", "json_serialize_plan", "current_query",
    };

    /// <summary>Returns null when the query is acceptable, otherwise the reason.</summary>
    public string? Check(string serializedTree)
    {
        using var doc = Parse(serializedTree);
        if (doc is null)
        {
            return TooDeep;
        }
        var root = doc.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.True)
        {
            var message = root.TryGetProperty("error_message", out var m) ? m.GetString() : "unparseable";
            return message is not null && message.Contains("Only SELECT", StringComparison.Ordinal)
                ? "only a single read-only SELECT (or WITH … SELECT) statement is allowed"
                : message;
        }
        var statements = root.GetProperty("statements");
        if (statements.GetArrayLength() != 1)
        {
            return "exactly one statement is allowed";
        }
        return Walk(statements, ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>Deeper than DuckDB's own limit (<c>max_expression_depth</c>, 1000) lets a query's tree grow: each
    /// level of an expression is two of the tree (a node and its children). The default of 64 refused a sum of a few
    /// dozen terms as an internal error.</summary>
    private const int MaxTreeDepth = 4096;

    private const string TooDeep = "the query nests too deeply to be checked";

    private static JsonDocument? Parse(string serializedTree)
    {
        try
        {
            return JsonDocument.Parse(serializedTree, new JsonDocumentOptions { MaxDepth = MaxTreeDepth });
        }
        catch (JsonException) when (serializedTree.Length > 0 && serializedTree[0] == '{')
        {
            return null; // DuckDB wrote it, so it is well formed: only its depth can have failed
        }
    }

    private string? Walk(JsonElement element, ImmutableHashSet<string> ctes)
    {
        // The walk recurses once per level of the tree: a stack overflow would end the whole process, not the query.
        if (!System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            return TooDeep;
        }
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (Walk(item, ctes) is { } reason)
                {
                    return reason;
                }
            }
            return null;
        }
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var type = element.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        switch (type)
        {
            case "TABLE_FUNCTION":
                var fn = element.GetProperty("function");
                var fnName = fn.TryGetProperty("function_name", out var n) ? n.GetString() ?? "" : "";
                if (!TableFunctions.Contains(fnName))
                {
                    return $"table function '{fnName}' is not allowed: queries may read warehouse tables and views only (no files, network or system functions)";
                }
                break;
            case "BASE_TABLE":
                if (CheckTable(element, ctes) is { } tableReason)
                {
                    return tableReason;
                }
                break;
            case "COLUMN_DATA_REF" or "DELIM_GET":
                return $"'{type}' is not allowed";
        }
        // A CTE's name is a table only where DuckDB binds it to the CTE: in its query's body, in the CTEs after it and,
        // for a recursive one, in its recursive part. Anywhere else (a sibling subquery, an earlier CTE, its own
        // non-recursive body) the same name is a replacement scan, which reads a file of that path.
        if (element.TryGetProperty("cte_map", out var cteMap) && cteMap.TryGetProperty("map", out var entries))
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.TryGetProperty("value", out var definition) && Walk(definition, ctes) is { } cteReason)
                {
                    return cteReason;
                }
                if (entry.TryGetProperty("key", out var key) && key.GetString() is { } name)
                {
                    ctes = ctes.Add(name);
                }
            }
        }
        var recursiveName = type == "RECURSIVE_CTE_NODE" && element.TryGetProperty("cte_name", out var cteName) ? cteName.GetString() : null;
        if (recursiveName is not null)
        {
            if ((element.TryGetProperty("left", out var anchor) ? Walk(anchor, ctes) : null) is { } anchorReason)
            {
                return anchorReason;
            }
            if ((element.TryGetProperty("right", out var step) ? Walk(step, ctes.Add(recursiveName)) : null) is { } stepReason)
            {
                return stepReason;
            }
        }
        // Ranking window functions (row_number, rank, lag…) are identified by their node type; windowed aggregates
        // carry the aggregate's name and are checked like any other function.
        var rankingWindow = type is not null && type.StartsWith("WINDOW_", StringComparison.Ordinal) && type != "WINDOW_AGGREGATE";
        if (!rankingWindow && element.TryGetProperty("function_name", out var f) && f.GetString() is { } function && type != "TABLE_FUNCTION")
        {
            var schema = element.TryGetProperty("schema", out var s) ? s.GetString() : null;
            if (!string.IsNullOrEmpty(schema) && !schema.Equals("main", StringComparison.OrdinalIgnoreCase))
            {
                return $"function '{schema}.{function}' is not allowed";
            }
            if (DeniedFunctions.Contains(function) || !functions.Contains(function))
            {
                return $"function '{function}' is not allowed in read-only queries";
            }
        }
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals("cte_map") || (recursiveName is not null && (property.NameEquals("left") || property.NameEquals("right"))))
            {
                continue;
            }
            if (type == "TABLE_FUNCTION" && property.NameEquals("function"))
            {
                // Arguments of an allowed generator are plain expressions; walk them, not the name again.
                if (property.Value.TryGetProperty("children", out var children) && Walk(children, ctes) is { } argReason)
                {
                    return argReason;
                }
                continue;
            }
            if (Walk(property.Value, ctes) is { } reason)
            {
                return reason;
            }
        }
        return null;
    }

    private string? CheckTable(JsonElement element, ImmutableHashSet<string> ctes)
    {
        var name = element.GetProperty("table_name").GetString() ?? "";
        var schema = element.TryGetProperty("schema_name", out var s) ? s.GetString() ?? "" : "";
        var catalog = element.TryGetProperty("catalog_name", out var c) ? c.GetString() ?? "" : "";
        if (catalog.Length > 0 || (schema.Length > 0 && !schema.Equals("main", StringComparison.OrdinalIgnoreCase)))
        {
            var outside = $"'{string.Join('.', new[] { catalog, schema, name }.Where(x => x.Length > 0))}' is outside the warehouse";
            // Whoever reaches for the catalog views wants the tables and their columns: say what gives them here.
            return schema.Equals("information_schema", StringComparison.OrdinalIgnoreCase) || schema.Equals("pg_catalog", StringComparison.OrdinalIgnoreCase)
                ? $"{outside}; list the tables with SHOW TABLES and a table's columns with DESCRIBE name (or GET /api/v1/tables)"
                : outside;
        }
        if (schema.Length == 0 && ctes.Contains(name))
        {
            return null;
        }
        if (WarehouseRelations.Private.Contains(name))
        {
            return WarehouseRelations.PrivateReason(name);
        }
        return relations.Contains(name)
            ? null
            : $"unknown table '{name}': queries may read warehouse tables and views only (no files)";
    }
}
