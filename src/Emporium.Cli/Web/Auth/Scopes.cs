namespace Emporium.Cli.Web.Auth;

/// <summary>API key scopes. <c>admin</c> includes the other two.</summary>
public static class Scopes
{
    public const string Ingest = "ingest";
    public const string Read = "read";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Ingest, Read, Admin];
}

/// <summary>Endpoint metadata: the scope a key needs. Endpoints without it need <c>read</c> for GET/HEAD and
/// <c>admin</c> for anything else, so a forgotten annotation fails closed.</summary>
public sealed record RequiredScope(string Scope);

/// <summary>Endpoint metadata: reachable without a key (health checks).</summary>
public sealed record AnonymousEndpoint;

/// <summary>Endpoint metadata: reachable without a key from this machine only (loopback, or the address the request
/// came in on): for what the server calls on itself holding no key (the demo's seller API, read by the demo's
/// <c>seller_catalog</c> runs). Another machine needs the endpoint's scope as usual.</summary>
public sealed record AnonymousFromThisMachine
{
    public static bool Holds(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } remote
        && (System.Net.IPAddress.IsLoopback(remote) || Normal(remote).Equals(connection.LocalIpAddress is { } local ? Normal(local) : null));

    private static System.Net.IPAddress Normal(System.Net.IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

public static class ScopeEndpointExtensions
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));

    public static TBuilder AllowWithoutKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnonymousEndpoint());

    public static TBuilder AllowWithoutKeyFromThisMachine<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnonymousFromThisMachine());
}
