using Microsoft.AspNetCore.Diagnostics;
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
        var allowed = http.Response.Headers[HeaderNames.Allow].ToString();
        var detail = $"{http.Request.Method} is not served at {http.Request.Path}{(allowed.Length > 0 ? $"; it takes {allowed}" : "")}";
        await ApiErrors.Problem(StatusCodes.Status405MethodNotAllowed, "method not allowed", detail, [ApiErrors.Field("method", detail)]).ExecuteAsync(http);
    }
}
