namespace Emporium.Tests.Web.Dashboard;

/// <summary>The overview polls every 2 s (its runs and alerts every 5 s) without taking the reader's place.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewTests(DashboardFixture f)
{
    [Fact]
    public async Task Polling_keeps_the_keyboard_focus_and_tells_a_screen_reader_nothing_when_nothing_changed()
    {
        await using var p = await DashboardPage.OpenAsync(f, "/");
        // Each poll replaced the tiles and tables: a link reached with Tab lost the focus within 2 seconds, and the
        // tiles' live region was read out again every 2 seconds with the same figures.
        var link = p.Page.Locator("[data-dataset='dead_letters'] a");
        var pipelines = p.Page.Locator("[data-testid='recent-runs'] a[href='#/pipelines']");
        await link.FocusAsync();
        await p.Page.EvaluateAsync("""
            () => {
              window.tileChanges = 0;
              new MutationObserver(m => { window.tileChanges += m.length; })
                .observe(document.querySelector('.tiles'), { subtree: true, childList: true, characterData: true });
            }
            """);
        await p.Page.WaitForTimeoutAsync(4_500);
        Assert.True(await link.EvaluateAsync<bool>("el => el === document.activeElement"), "the dead letters link lost the focus to a poll");
        Assert.Equal(0, await p.Page.EvaluateAsync<int>("() => window.tileChanges"));

        await pipelines.FocusAsync();
        await p.Page.WaitForTimeoutAsync(5_500);
        Assert.True(await pipelines.EvaluateAsync<bool>("el => el === document.activeElement"), "the pipelines link lost the focus to a poll");
        p.AssertNoErrors();
    }
}
