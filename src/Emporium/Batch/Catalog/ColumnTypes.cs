namespace Emporium.Batch.Catalog;

/// <summary>DuckDB type names as the catalog uses them: widening between crawls (a column never narrows:
/// BOOLEAN → BIGINT → DOUBLE → VARCHAR, and any other disagreement becomes VARCHAR so nothing is lost) and the
/// fields of a STRUCT, so nested JSON is flattened into dotted columns.</summary>
public static class ColumnTypes
{
    private static readonly string[] Ladder = ["BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "VARCHAR"];

    public static string Widen(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
        {
            return a;
        }
        if (a == "NULL")
        {
            return b;
        }
        if (b == "NULL")
        {
            return a;
        }
        var ia = Array.IndexOf(Ladder, a.ToUpperInvariant());
        var ib = Array.IndexOf(Ladder, b.ToUpperInvariant());
        if (ia >= 0 && ib >= 0)
        {
            // Booleans only widen into text; numbers along the ladder.
            return (ia == 0 || ib == 0) ? "VARCHAR" : Ladder[Math.Max(ia, ib)];
        }
        if (IsTemporal(a) && IsTemporal(b))
        {
            return "TIMESTAMP";
        }
        return "VARCHAR";
    }

    private static bool IsTemporal(string t) => t.ToUpperInvariant() is "DATE" or "TIMESTAMP" or "TIMESTAMP WITH TIME ZONE";

    /// <summary>The fields of <c>STRUCT(a BIGINT, "b c" STRUCT(d VARCHAR))</c>, or null when the type is not a struct.</summary>
    public static IReadOnlyList<(string Name, string Type)>? StructFields(string type)
    {
        if (!type.StartsWith("STRUCT(", StringComparison.OrdinalIgnoreCase) || !type.EndsWith(')'))
        {
            return null;
        }
        var body = type[7..^1];
        var fields = new List<(string, string)>();
        var i = 0;
        while (i < body.Length)
        {
            while (i < body.Length && body[i] is ' ' or ',')
            {
                i++;
            }
            if (i >= body.Length)
            {
                break;
            }
            string name;
            if (body[i] == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < body.Length)
                {
                    if (body[i] == '"' && i + 1 < body.Length && body[i + 1] == '"')
                    {
                        sb.Append('"');
                        i += 2;
                    }
                    else if (body[i] == '"')
                    {
                        i++;
                        break;
                    }
                    else
                    {
                        sb.Append(body[i++]);
                    }
                }
                name = sb.ToString();
            }
            else
            {
                var start = i;
                while (i < body.Length && body[i] != ' ')
                {
                    i++;
                }
                name = body[start..i];
            }
            i++; // the space before the type
            var depth = 0;
            var typeStart = i;
            while (i < body.Length && !(depth == 0 && body[i] == ','))
            {
                depth += body[i] == '(' ? 1 : body[i] == ')' ? -1 : 0;
                i++;
            }
            fields.Add((name, body[typeStart..i].Trim()));
        }
        return fields;
    }
}
