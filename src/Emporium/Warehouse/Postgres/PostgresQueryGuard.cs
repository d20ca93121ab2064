using System.Text;

namespace Emporium.Warehouse.Postgres;

/// <summary>Lexical checks on a user's SQL before it reaches PostgreSQL. PostgreSQL has no parse-tree export to the
/// client, so the guard tokenizes (skipping comments, string, escape and dollar-quoted literals, unquoting quoted
/// identifiers) and refuses: more than one statement, anything not starting with SELECT/WITH/VALUES/(, Unicode-escaped
/// identifiers (which would hide a name from these checks), the tables no query may read
/// (<see cref="WarehouseRelations.Private"/>), and calls of functions that read files or settings,
/// change the session, run SQL from strings (query_to_xml, ts_stat, ts_rewrite…), or take session locks. It is
/// the second line: the query also runs in a READ ONLY transaction under a role without superuser or file
/// privileges, with a statement timeout.</summary>
internal static class PostgresQueryGuard
{
    public static readonly IReadOnlySet<string> DeniedFunctions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        // Files and directories of the server.
        "pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_ls_dir", "pg_ls_logdir", "pg_ls_waldir",
        "pg_ls_tmpdir", "pg_ls_archive_statusdir", "pg_ls_logicalsnapdir", "pg_ls_logicalmapdir", "pg_ls_replslotdir",
        "pg_current_logfile", "lo_import", "lo_export", "lo_get", "lo_open", "lo_from_bytea", "lo_put", "lo_create",
        // Settings and session state: set_config('role', …) could leave the reader role.
        "set_config", "current_setting", "pg_reload_conf", "pg_rotate_logfile",
        // SQL from strings and other databases.
        "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema", "cursor_to_xml", "cursor_to_xmlschema",
        "table_to_xml", "table_to_xml_and_xmlschema", "schema_to_xml", "database_to_xml", "dblink", "dblink_exec",
        "dblink_connect", "dblink_send_query", "ts_stat", "ts_rewrite",
        // Other sessions, the server, and locks that outlive the query on a pooled connection.
        "pg_terminate_backend", "pg_cancel_backend", "pg_promote", "pg_switch_wal", "pg_create_restore_point",
        "pg_backup_start", "pg_backup_stop", "pg_start_backup", "pg_stop_backup", "pg_notify",
        "pg_logical_emit_message", "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock",
        "pg_try_advisory_lock_shared", "pg_advisory_xact_lock", "pg_advisory_xact_lock_shared",
        "pg_try_advisory_xact_lock", "pg_try_advisory_xact_lock_shared", "pg_advisory_unlock", "pg_advisory_unlock_all",
        "pg_advisory_unlock_shared",
    };

    /// <summary>Catalog views that show sampled values of every column a user may read: on a configured user without
    /// the reader role, the private tables' too (named in a string, which the name checks do not see).</summary>
    public static readonly IReadOnlySet<string> DeniedRelations = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "pg_stats", "pg_stats_ext", "pg_stats_ext_exprs", "pg_statistic", "pg_statistic_ext_data",
    };

    private static readonly IReadOnlySet<string> Starts = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "select", "with", "values", "(" };

    /// <summary>Returns null when the query may run, otherwise the reason; <paramref name="statement"/> is the query
    /// without trailing semicolons.</summary>
    public static string? Check(string sql, out string statement)
    {
        statement = sql.Trim();
        var tokens = new List<string>();
        int end;
        try
        {
            end = Tokenize(statement, tokens);
        }
        catch (FormatException e)
        {
            return e.Message;
        }
        statement = statement[..end].TrimEnd();
        if (tokens.Count == 0)
        {
            return "the query is empty";
        }
        if (tokens.Contains(";"))
        {
            return "exactly one statement is allowed";
        }
        if (!Starts.Contains(tokens[0]))
        {
            return "only a single read-only SELECT (or WITH … SELECT) statement is allowed";
        }
        for (var i = 0; i < tokens.Count; i++)
        {
            var name = tokens[i];
            var dot = name.LastIndexOf('.');
            var bare = dot >= 0 ? name[(dot + 1)..] : name;
            if (DeniedFunctions.Contains(bare) || bare.StartsWith("dblink", StringComparison.OrdinalIgnoreCase))
            {
                return $"function '{bare}' is not allowed in read-only queries";
            }
            // By name, quoted or not, in any case: the reader role has SELECT on the whole schema, and a configured
            // user without one reads what it may.
            if (DeniedRelations.Contains(bare))
            {
                return $"'{bare}' is not open to queries: it shows sampled values of the tables' columns, private ones included";
            }
            if (WarehouseRelations.Private.Contains(bare))
            {
                return WarehouseRelations.PrivateReason(bare);
            }
        }
        return null;
    }

    /// <summary>Splits into identifiers (quoted ones unquoted, qualified names joined by '.'), ';' and '(' tokens;
    /// literals and comments are dropped. Returns the length of the text before the trailing semicolons.</summary>
    private static int Tokenize(string sql, List<string> tokens)
    {
        var lastContent = 0;
        // Past the first semicolon, tokens only tell whether a second statement follows. Read on in this loop, not
        // by recursing on a copy of the rest: a body of semicolons took stack per semicolon and memory by the square
        // of their count, which ended the process.
        var statementEnd = -1;
        var into = tokens;
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            if (c == '-' && At(sql, i + 1, '-'))
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
                continue;
            }
            if (c == '/' && At(sql, i + 1, '*'))
            {
                var depth = 1;
                i += 2;
                while (depth > 0)
                {
                    if (i >= sql.Length)
                    {
                        throw new FormatException("unterminated comment");
                    }
                    if (sql[i] == '/' && At(sql, i + 1, '*')) { depth++; i += 2; }
                    else if (sql[i] == '*' && At(sql, i + 1, '/')) { depth--; i += 2; }
                    else { i++; }
                }
                continue;
            }
            if (c == ';')
            {
                // Trailing semicolons are tolerated; one followed by anything else is a second statement.
                if (statementEnd < 0)
                {
                    statementEnd = lastContent;
                    into = [];
                }
                i++;
                continue;
            }
            if (c == '\'' || ((c is 'e' or 'E' or 'b' or 'B' or 'x' or 'X' or 'n' or 'N') && At(sql, i + 1, '\'')))
            {
                var escapes = c is 'e' or 'E';
                i = c == '\'' ? i + 1 : i + 2;
                i = SkipString(sql, i, escapes);
                lastContent = i;
                continue;
            }
            if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw new FormatException("unterminated dollar-quoted string");
                }
                i = close + tag.Length;
                lastContent = i;
                continue;
            }
            if (c == '"' || char.IsLetter(c) || c == '_')
            {
                var name = new StringBuilder();
                while (true)
                {
                    if (sql[i] is 'u' or 'U' && At(sql, i + 1, '&') && At(sql, i + 2, '"'))
                    {
                        // PostgreSQL reads U&"set\005fconfig" (escape character of the query's choosing) as set_config,
                        // also after a schema's dot; refused rather than decoded, as no name needs spelling that way.
                        throw new FormatException("Unicode-escaped identifiers (U&\"…\") are not allowed; write the name itself");
                    }
                    if (i < sql.Length && sql[i] == '"')
                    {
                        i++;
                        while (true)
                        {
                            if (i >= sql.Length)
                            {
                                throw new FormatException("unterminated quoted identifier");
                            }
                            if (sql[i] == '"' && At(sql, i + 1, '"')) { name.Append('"'); i += 2; continue; }
                            if (sql[i] == '"') { i++; break; }
                            name.Append(sql[i++]);
                        }
                    }
                    else
                    {
                        while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$'))
                        {
                            name.Append(char.ToLowerInvariant(sql[i++]));
                        }
                    }
                    // Qualified names (schema.function) are kept whole so the last part can be checked.
                    var j = i;
                    while (j < sql.Length && char.IsWhiteSpace(sql[j]))
                    {
                        j++;
                    }
                    if (j < sql.Length && sql[j] == '.' && j + 1 < sql.Length)
                    {
                        var k = j + 1;
                        while (k < sql.Length && char.IsWhiteSpace(sql[k]))
                        {
                            k++;
                        }
                        if (k < sql.Length && (sql[k] == '"' || char.IsLetter(sql[k]) || sql[k] == '_'))
                        {
                            name.Append('.');
                            i = k;
                            continue;
                        }
                    }
                    break;
                }
                into.Add(name.ToString());
                lastContent = i;
                continue;
            }
            if (c == '(')
            {
                into.Add("(");
            }
            i++;
            lastContent = i;
        }
        if (statementEnd < 0)
        {
            return lastContent;
        }
        if (into.Count > 0)
        {
            tokens.Add(";");
        }
        return statementEnd;
    }

    private static bool At(string s, int i, char c) => i < s.Length && s[i] == c;

    private static int SkipString(string sql, int i, bool escapes)
    {
        while (true)
        {
            if (i >= sql.Length)
            {
                throw new FormatException("unterminated string literal");
            }
            if (escapes && sql[i] == '\\') { i += 2; continue; }
            if (sql[i] == '\'' && At(sql, i + 1, '\'')) { i += 2; continue; }
            if (sql[i] == '\'') { return i + 1; }
            i++;
        }
    }

    /// <summary>The <c>$tag$</c> opening a dollar-quoted string at <paramref name="i"/>, or null for a parameter
    /// placeholder such as <c>$1</c>.</summary>
    private static string? DollarTag(string sql, int i)
    {
        var j = i + 1;
        while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] == '_'))
        {
            j++;
        }
        if (j >= sql.Length || sql[j] != '$' || (j > i + 1 && char.IsDigit(sql[i + 1])))
        {
            return null;
        }
        return sql[i..(j + 1)];
    }
}
