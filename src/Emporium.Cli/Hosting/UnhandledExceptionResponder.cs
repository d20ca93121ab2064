using Emporium.Cli.Web;
using Emporium.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;

namespace Emporium.Cli.Hosting;

/// <summary>Turns exceptions that escaped an endpoint into problem-details JSON with the right status.</summary>
public static class UnhandledExceptionResponder
{
    public static async Task WriteAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var outage = BackendOutage.Describe(error, context.RequestServices.GetRequiredService<Backends>());
        var result = error switch
        {
            PieceUnavailableException e => ApiErrors.Problem(503, "not available", e.Message),
            BadHttpRequestException e => BadRequest(e),
            _ when DiskFull.Is(error) => ApiErrors.Problem(503, "disk full", "the server's disk is full; retry later"),
            _ when OutOfMemory.Describe(error) is { } cause => OutOfMemoryProblem(cause),
            _ when outage is { } down => ApiErrors.Problem(503, down.Title, down.Detail + "; retry later"),
            OperationCanceledException => ApiErrors.Problem(499, "cancelled", "the request was cancelled"),
            // Not the exception's words: a driver's or library's message may carry a connection string, a server path
            // or SQL. The exception handler logs it whole (the diagnostics callback is on for it).
            _ => ApiErrors.Problem(500, "internal error", "the server failed to answer this request; its log has the error"),
        };
        if (DiskFull.Is(error) || error is PieceUnavailableException || outage is not null)
        {
            context.Response.Headers.RetryAfter = "5";
        }
        await result.ExecuteAsync(context);
    }

    /// <summary>A 507: the server lacks the memory to complete this request, which a retry of the same request is
    /// unlikely to find, so no Retry-After.</summary>
    public static IResult OutOfMemoryProblem(string cause) =>
        ApiErrors.Problem(507, "out of memory", $"the warehouse ran out of memory ({cause}); {OutOfMemory.Advice}");

    private static IResult BadRequest(BadHttpRequestException error)
    {
        var (field, reason) = BindingFailure.Describe(error);
        // The framework's own message speaks of parameter types ("Nullable<int> limit"); the field and reason do not.
        var detail = field is "request" ? error.Message : $"{field}: {reason}{(BindingFailure.ValueOf(error) is { } value ? $", got \"{value}\"" : "")}";
        // Kestrel's body limit arrives as the same exception with 413: titled as ingest titles its own limit.
        var title = error.StatusCode == StatusCodes.Status413PayloadTooLarge ? "body too large" : "bad request";
        return ApiErrors.Problem(error.StatusCode, title, detail, [ApiErrors.Field(field, reason)]);
    }
}
