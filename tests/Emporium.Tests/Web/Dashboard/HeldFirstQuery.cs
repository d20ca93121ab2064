using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>Holds back a page's first <c>/api/v1/query</c> request, as a slow answer that a later query overtakes, lets
/// the others through, and tells how that first request ended: aborted by the page (<c>failed: …</c>) or answered
/// (<c>finished</c>).</summary>
public sealed class HeldFirstQuery
{
    private readonly TaskCompletionSource<IRoute> held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HeldFirstQuery()
    {
    }

    /// <summary>Completes once the first query is held, with its route to answer or let go.</summary>
    public Task<IRoute> Route => held.Task;

    public Task<string> Outcome => outcome.Task;

    public static async Task<HeldFirstQuery> StartAsync(IPage page)
    {
        var query = new HeldFirstQuery();
        page.RequestFailed += (_, r) => { if (query.IsFirst(r)) query.outcome.TrySetResult($"failed: {r.Failure}"); };
        page.RequestFinished += (_, r) => { if (query.IsFirst(r)) query.outcome.TrySetResult("finished"); };
        await page.RouteAsync("**/api/v1/query", async route =>
        {
            if (query.held.TrySetResult(route))
            {
                return;
            }
            await route.ContinueAsync();
        });
        return query;
    }

    private bool IsFirst(IRequest request) => held.Task.IsCompletedSuccessfully && held.Task.Result.Request == request;
}
