namespace Emporium.Configuration;

/// <summary>A parsed backend URI. <paramref name="Scheme"/> is lower-case (e.g. "embedded", "kafka", "file", "s3",
/// "duckdb", "postgres"); <paramref name="Value"/> is what the user wrote (or the default), and
/// <paramref name="Path"/> is the local path for file-based backends (absolute, under the data dir by default).</summary>
public sealed record BackendAddress(BackendKind Kind, string Scheme, string Value, string? Path)
{
    /// <summary>The address as messages show it, its credentials masked (<see cref="SecretMask.Text"/>): messages put
    /// the address in as it is, and one with a password printed it. Code that connects reads <see cref="Value"/>.</summary>
    public override string ToString() => SecretMask.Text(Value);
}

/// <summary>Which backend an address is for; used in messages ("log backend 'kafka' not available").</summary>
public enum BackendKind
{
    Log,
    Lake,
    Warehouse,
}
