namespace Emporium.Cli.Commands.Client;

/// <summary>Names the server in a failure to reach it: "Connection refused (127.0.0.1:5080)" alone does not say that
/// the command was talking to an Emporium server, found through the data dir or given with --url.</summary>
internal sealed class ServerUnreachableHandler(Uri server) : DelegatingHandler(new SocketsHttpHandler())
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            // Same type and error kind, so retries that handle connection failures (send's) still handle it.
            throw new HttpRequestException(e.HttpRequestError, $"cannot reach the Emporium server at {server}: {e.Message}", e);
        }
    }
}
