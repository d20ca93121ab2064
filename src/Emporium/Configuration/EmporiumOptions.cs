namespace Emporium.Configuration;

/// <summary>Top-level settings of one Emporium process. Read from <c>emporium.json</c> in the data dir, then
/// <c>EMPORIUM__…</c> environment variables, then command-line flags (last wins).</summary>
public sealed record EmporiumOptions
{
    /// <summary>Data directory holding the log, lake, warehouse and metadata. Default <c>./emporium-data</c>.</summary>
    public string DataDir { get; init; } = "emporium-data";

    /// <summary>HTTP port. Default 5080.</summary>
    [SettingRange("0", Maximum = "65535")]
    public int Port { get; init; } = 5080;

    /// <summary>Address to bind. Default 127.0.0.1; any other address requires API keys.</summary>
    public string Bind { get; init; } = "127.0.0.1";

    /// <summary>Log backend: null/"embedded" for segment files under the data dir, or <c>kafka://host:port</c>.</summary>
    public string? Log { get; init; }

    /// <summary>Lake backend: null for <c>&lt;data&gt;/lake</c>, a folder path, or <c>s3://bucket/prefix</c>.</summary>
    public string? Lake { get; init; }

    /// <summary>Warehouse backend: null for <c>&lt;data&gt;/warehouse.duckdb</c>, or <c>postgres://user:pass@host:port/db</c>.</summary>
    public string? Warehouse { get; init; }

    /// <summary>Parts of Emporium this process hosts: <c>all</c> (default) or a comma list of <c>ingest</c>,
    /// <c>processor</c>, <c>scheduler</c>. Anything but <c>all</c> needs backends several processes can share.</summary>
    public string Role { get; init; } = "all";

    /// <summary>Partitions per topic when a topic is created. Default 4.</summary>
    [SettingRange("1")]
    public int Partitions { get; init; } = 4;

    /// <summary>HTTP ingest limits and back-pressure (section <c>Ingest</c>).</summary>
    public Ingest.IngestOptions Ingest { get; init; } = new();

    /// <summary>Stream processor batching (section <c>Processor</c>).</summary>
    public Processing.ProcessorSettings Processor { get; init; } = new();

    /// <summary>File loads (section <c>Batch</c>): chunking, staging on DuckDB, lake write concurrency.</summary>
    public Batch.Loading.BatchLoaderOptions Batch { get; init; } = new();

    /// <summary>API keys (section <c>Auth</c>). Default: none, which restricts the server to loopback.</summary>
    public AuthOptions Auth { get; init; } = new();

    /// <summary>Demo mode (<c>up --demo</c>): the server also answers as the demo's seller catalog API
    /// (<c>/demo/seller-api/{day}/search</c>) that the demo's <c>seller_catalog</c> runs read. Default false.</summary>
    public bool Demo { get; init; }
}
