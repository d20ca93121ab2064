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

public static class ScopeEndpointExtensions
{
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequiredScope(scope));

    public static TBuilder AllowWithoutKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AnonymousEndpoint());
}
