using System.Diagnostics;
using Npgsql;

namespace Emporium.Testing;

/// <summary>A throw-away PostgreSQL 15 server: <c>initdb</c> into a temp dir, <c>pg_ctl start</c> on a free
/// loopback port with its unix socket in the same temp dir, stopped and deleted on dispose. Shared (as a linked
/// source file) by the tests' fixture and the benchmarks, which both need a real server and neither may assume one
/// is running. Give each user its own database with <see cref="CreateDatabaseAsync"/>.</summary>
/// <remarks>PostgreSQL refuses to run as root, so when run as root the cluster is created and started as
/// the <c>postgres</c> system user (created by the Debian package) through <c>runuser</c>; the temp dir is handed to
/// that user. Set <c>EMPORIUM_PG_BIN</c> to use binaries other than the Debian PostgreSQL 15 ones.</remarks>
public class PostgresCluster : IAsyncDisposable
{
    private const string SuperUser = "emporium";
    private const string ServiceUser = "postgres";
    private int _databases;

    /// <param name="durable">False (tests): fsync, synchronous commit and full-page writes off, since the data is
    /// thrown away. True (benchmarks): PostgreSQL's durable defaults, so a commit costs what it costs in service.</param>
    public PostgresCluster(bool durable = false)
    {
        Durable = durable;
        BinDir = Environment.GetEnvironmentVariable("EMPORIUM_PG_BIN") is { Length: > 0 } bin ? bin : "/usr/lib/postgresql/15/bin";
        Root = Path.Combine(Path.GetTempPath(), $"emporium-pg-{Guid.NewGuid():N}");
    }

    public bool Durable { get; }

    public string BinDir { get; }

    /// <summary>Temp dir holding the cluster (<c>data/</c>), the server log and the unix socket.</summary>
    public string Root { get; }

    public string DataDir => Path.Combine(Root, "data");

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>Connection string of the <c>postgres</c> maintenance database as the superuser (trust auth on loopback).</summary>
    public string AdminConnectionString => ConnectionStringFor("postgres");

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = Host,
            Port = Port,
            Username = SuperUser,
            Database = database,
            Pooling = false,
            Timeout = 30,
        }.ConnectionString;

    /// <summary>The <c>postgres://</c> address (as given to <c>--warehouse</c>) of a database of this server.</summary>
    public string AddressFor(string connectionString) =>
        $"postgres://{SuperUser}@{Host}:{Port}/{new NpgsqlConnectionStringBuilder(connectionString).Database}";

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix = "t", CancellationToken ct = default) => CreateDatabaseAsync(prefix, null, ct);

    /// <summary>Creates an empty database with a unique name and returns its connection string. The cluster is
    /// initdb'd with the C locale, which sorts text by bytes as DuckDB does; <paramref name="icuLocale"/> (e.g.
    /// <c>en-US</c>) makes the database's default collation that ICU locale instead, as a server initdb'd with a
    /// linguistic locale has, for tests of what must not depend on it.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix, string? icuLocale, CancellationToken ct = default)
    {
        var name = $"{Sanitize(prefix)}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 63)];
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync(ct);
        var locale = icuLocale is null ? "" : $" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '{icuLocale.Replace("'", "''", StringComparison.Ordinal)}'";
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"{locale}", conn);
        await cmd.ExecuteNonQueryAsync(ct);
        return ConnectionStringFor(name);
    }

    /// <summary>Creates the cluster and starts the server; throws with the server log when it cannot.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(Path.Combine(BinDir, "initdb")))
        {
            throw new InvalidOperationException($"PostgreSQL binaries not found in {BinDir} (install postgresql-15 or set EMPORIUM_PG_BIN)");
        }
        Directory.CreateDirectory(Root);
        if (RunAsServiceUser)
        {
            await RunAsync("chown", [$"{ServiceUser}:{ServiceUser}", Root], asServiceUser: false);
        }
        await RunAsync(Path.Combine(BinDir, "initdb"),
            ["-D", DataDir, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], RunAsServiceUser);

        // A port that was free a moment ago may be taken by the time the server binds it: retry with a new one.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            var options = $"-p {Port} -k {Root} -c listen_addresses={Host} -c max_connections=200"
                + (Durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            try
            {
                await RunAsync(Path.Combine(BinDir, "pg_ctl"),
                    ["-D", DataDir, "-l", Path.Combine(Root, "server.log"), "-o", options, "-w", "-t", "60", "start"], RunAsServiceUser);
                break;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Stops the server (immediate mode) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Directory.Exists(DataDir))
            {
                await RunAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", DataDir, "-m", "immediate", "-w", "stop"], RunAsServiceUser);
            }
        }
        catch (InvalidOperationException)
        {
            // Already stopped; the directory is removed below either way.
        }
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }

    private static bool RunAsServiceUser => OperatingSystem.IsLinux() && Environment.UserName == "root";

    private static string Sanitize(string prefix) =>
        new string(prefix.ToLowerInvariant().Where(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_').ToArray()) is { Length: > 0 } s ? s : "t";

    private async Task RunAsync(string file, IReadOnlyList<string> args, bool asServiceUser)
    {
        var psi = new ProcessStartInfo(asServiceUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Root,
        };
        if (asServiceUser)
        {
            foreach (var a in new[] { "-u", ServiceUser, "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            var log = Path.Combine(Root, "server.log");
            var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "";
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} exited {process.ExitCode}: {await stderr}{await stdout}{serverLog}");
        }
    }
}
