using Emporium.Configuration;

namespace Emporium.Cli.Web.Auth;

/// <summary>Checks the API key (<c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>) against the endpoint's
/// scope before the endpoint runs, so a refused request never writes anything. Inactive when no key is needed
/// (<see cref="ApiKeyRing.Required"/>). The keys are read per request, so a reload applies to the next one.</summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyRing keys)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var options = keys.Current;
        if (!keys.RequiredWith(options) || endpoint is null || endpoint.Metadata.GetMetadata<AnonymousEndpoint>() is not null
            || (endpoint.Metadata.GetMetadata<AnonymousFromThisMachine>() is not null && AnonymousFromThisMachine.Holds(context.Connection)))
        {
            await next(context);
            return;
        }
        if (options.Keys.Count == 0)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await ApiErrors.Problem(401, "no API keys configured", "every key of this server was removed, and it is reachable from the network, " +
                "so it refuses requests until a key is added ('emporium keys add')", [ApiErrors.Field("Authorization", "no keys configured")]).ExecuteAsync(context);
            return;
        }
        var presented = PresentedKey(context.Request);
        if (presented is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiErrors.Problem(401, "API key required", "send the key as 'Authorization: Bearer KEY' or 'X-Api-Key: KEY' (the emporium CLI: --api-key KEY or EMPORIUM_API_KEY)",
                [ApiErrors.Field("Authorization", "missing")]).ExecuteAsync(context);
            return;
        }
        var entry = Find(options, presented);
        if (entry is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await ApiErrors.Problem(401, "unknown API key", "the key is not configured on this server",
                [ApiErrors.Field("Authorization", "unknown key")]).ExecuteAsync(context);
            return;
        }
        var required = endpoint.Metadata.GetMetadata<RequiredScope>()?.Scope
                       ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? Scopes.Read : Scopes.Admin);
        if (!entry.Scopes.Contains(required, StringComparer.OrdinalIgnoreCase) && !entry.Scopes.Contains(Scopes.Admin, StringComparer.OrdinalIgnoreCase))
        {
            await ApiErrors.Problem(403, "insufficient scope", $"this endpoint needs scope '{required}'; key '{entry.Name}' has: {string.Join(", ", entry.Scopes)}",
                [ApiErrors.Field("scope", $"'{required}' required")]).ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    /// <summary>The configured key the request presents, or null (none presented, or not one of <paramref name="options"/>).</summary>
    public static ApiKeyEntry? Authenticated(HttpRequest request, AuthOptions options) =>
        PresentedKey(request) is { } presented ? Find(options, presented) : null;

    private static ApiKeyEntry? Find(AuthOptions options, string presented)
    {
        var hash = ApiKeyHash.Of(presented);
        return options.Keys.FirstOrDefault(k => ApiKeyHash.Matches(k.Hash, hash));
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        var apiKey = request.Headers["X-Api-Key"].ToString();
        return string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim();
    }
}
