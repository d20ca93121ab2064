using Emporium.Configuration;

namespace Emporium.Cli.Web.Auth;

/// <summary>Checks the API key (<c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c>) against the endpoint's
/// scope before the endpoint runs, so a refused request never writes anything. Inactive when no key is configured
/// (the host then binds to loopback only).</summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, AuthOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (options.Keys.Count == 0 || endpoint is null || endpoint.Metadata.GetMetadata<AnonymousEndpoint>() is not null)
        {
            await next(context);
            return;
        }
        var presented = PresentedKey(context.Request);
        if (presented is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiErrors.Problem(401, "API key required", "send the key as 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'",
                [ApiErrors.Field("Authorization", "missing")]).ExecuteAsync(context);
            return;
        }
        var hash = ApiKeyHash.Of(presented);
        var entry = options.Keys.FirstOrDefault(k => ApiKeyHash.Matches(k.Hash, hash));
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
