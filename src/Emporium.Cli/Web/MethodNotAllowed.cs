using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Net.Http.Headers;

namespace Emporium.Cli.Web;

/// <summary>Routing answers a known path asked with another method (<c>POST /api/v1/marts</c>) with a bare 405; this gives
/// it the problem body every other error has, naming the methods the path takes.</summary>
public static class MethodNotAllowed
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        if (http.Response.StatusCode != StatusCodes.Status405MethodNotAllowed || http.Response.HasStarted)
        {
            return;
        }
        await Problem(http, http.Response.Headers[HeaderNames.Allow].ToString()).ExecuteAsync(http);
    }

    /// <summary>The 405 for a path that takes only <paramref name="allowed"/> (comma-separated), with its Allow header.</summary>
    public static IResult Problem(HttpContext http, string allowed)
    {
        http.Response.Headers.Allow = allowed;
        var detail = $"{http.Request.Method} is not served at {http.Request.Path}{(allowed.Length > 0 ? $"; it takes {allowed}" : "")}";
        return ApiErrors.Problem(StatusCodes.Status405MethodNotAllowed, "method not allowed", detail, [ApiErrors.Field("method", detail)]);
    }

    /// <summary>The methods the endpoints at the request's path take. A GET to a POST-only path is taken by the
    /// dashboard's catch-all route rather than answered 405 by routing; this finds what the path does take.
    /// Catch-all routes (the dashboard's, another role's) say nothing about a path and are left out.</summary>
    public static IReadOnlyList<string> MethodsAt(HttpContext http)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.RoutePattern.Parameters.Any(p => p.IsCatchAll)
                || endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { } accepted
                || !new TemplateMatcher(new RouteTemplate(endpoint.RoutePattern), new RouteValueDictionary()).TryMatch(http.Request.Path, new RouteValueDictionary()))
            {
                continue;
            }
            methods.UnionWith(accepted.HttpMethods);
        }
        return [.. methods];
    }
}
