using Emporium.Orchestration;
using Emporium.Tests.Orchestration;
using Microsoft.Playwright;

namespace Emporium.Tests.Web.Dashboard;

/// <summary>DAGs the server could not load, as <c>GET /api/v1/dags</c> and <c>emporium dag list</c> name them: an
/// invalid definition, a removed DAG with an active run, and a definition whose constructor throws (its runs are
/// kept; only the loader's error says why). The Pipelines page listed none of them, and showed the runs of a DAG
/// that was gone with nothing saying so.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PipelinesNotLoadedTests(DashboardFixture f)
{
    [Fact]
    public async Task The_pipelines_page_names_the_dags_that_did_not_load_and_why()
    {
        var day = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var server = await EmporiumProcess.StartAsync(
            new Dictionary<string, string> { ["EMPORIUM__ORCHESTRATOR__SCHEDULING"] = "false" },
            dir =>
            {
                // The test assembly as a plugin: its broken_probe (a cycle) and its throwing definition.
                var dags = Path.Combine(dir, "dags");
                Directory.CreateDirectory(dags);
                var assembly = typeof(DagTests).Assembly.Location;
                File.Copy(assembly, Path.Combine(dags, Path.GetFileName(assembly)));
                using var store = OrchestratorStore.Open(OrchestratorStore.DirectoryFor(dir));
                store.Save(new DagRunInfo(DagTests.ThrowingDefinition.Name, day, "manual__2024-01-01", RunTypes.Manual, RunState.Success, new Dictionary<string, string?>(), day, day, day, 1));
                store.Save(new DagRunInfo("gone", day, "manual__2024-01-01", RunTypes.Manual, RunState.Running, new Dictionary<string, string?>(), day, day, null, 1));
                return Task.CompletedTask;
            });

        await using var p = await DashboardPage.OpenAsync(f, server.BaseAddress, "/pipelines");
        var card = p.Page.GetByTestId("dags-not-loaded");
        await Assertions.Expect(card.Locator("li[data-dag='broken_probe']")).ToContainTextAsync("cycle");
        await Assertions.Expect(card.Locator("li[data-dag='gone']")).ToContainTextAsync("has no loaded definition");
        await Assertions.Expect(card.GetByTestId("dag-errors")).ToContainTextAsync(DagTests.ThrowingDefinition.Reason);
        await p.AssertAccessibleAsync();

        // The runs of the DAG whose constructor threw, opened by name (as the overview's recent runs link them): shown,
        // with why it cannot run instead of a trigger form the server would refuse.
        await p.Page.GotoAsync($"/#/pipelines?dag={DagTests.ThrowingDefinition.Name}");
        await p.WaitReadyAsync("/pipelines");
        await Assertions.Expect(p.Page.GetByTestId("runs-table")).ToContainTextAsync("success");
        await Assertions.Expect(p.Page.GetByTestId("dag-not-loaded")).ToContainTextAsync($"DAG '{DagTests.ThrowingDefinition.Name}' has no loaded definition");
        await Assertions.Expect(p.Page.GetByRole(AriaRole.Button, new() { Name = "Trigger" })).ToHaveCountAsync(0);

        // A broken DAG says its own reason there.
        await p.Page.GetByTestId("dags-not-loaded").GetByRole(AriaRole.Link, new() { Name = "broken_probe" }).ClickAsync();
        await p.WaitReadyAsync("/pipelines");
        await Assertions.Expect(p.Page.GetByTestId("dag-not-loaded")).ToContainTextAsync("its definition is invalid");
        await p.AssertAccessibleAsync();
        p.AssertNoErrors();
    }
}
