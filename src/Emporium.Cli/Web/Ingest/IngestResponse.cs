namespace Emporium.Cli.Web.Ingest;

/// <summary>A finished ingest answer: status, JSON body and an optional Retry-After, in a form the idempotency store
/// can keep and replay byte for byte.</summary>
public sealed record IngestResponse(int Status, string Body, int? RetryAfterSeconds = null)
{
    public IResult ToResult(bool replayed = false) => new Written(this, replayed);

    private sealed class Written(IngestResponse response, bool replayed) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = response.Status;
            context.Response.ContentType = response.Status >= 400 ? "application/problem+json" : "application/json";
            if (response.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            if (replayed)
            {
                context.Response.Headers["Idempotent-Replayed"] = "true";
            }
            return context.Response.WriteAsync(response.Body, context.RequestAborted);
        }
    }
}
