using Emporium.Cli.Hosting;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>The verdict of <c>/health</c>: 503 only when the process cannot do its role.</summary>
public sealed class BackendHealthTests
{
    [Theory]
    [InlineData(ProcessRoles.All, "", HealthStatus.Ok)]
    [InlineData(ProcessRoles.All, "warehouse", HealthStatus.Degraded)]
    [InlineData(ProcessRoles.Ingest, "warehouse,lake", HealthStatus.Degraded)]
    [InlineData(ProcessRoles.All, "log", HealthStatus.Unavailable)]
    [InlineData(ProcessRoles.Ingest | ProcessRoles.Scheduler, "normalizer", HealthStatus.Unavailable)]
    [InlineData(ProcessRoles.Processor, "lake", HealthStatus.Unavailable)]
    [InlineData(ProcessRoles.Processor | ProcessRoles.Scheduler, "lake", HealthStatus.Degraded)]
    [InlineData(ProcessRoles.Processor | ProcessRoles.Scheduler, "warehouse", HealthStatus.Unavailable)]
    [InlineData(ProcessRoles.Scheduler, "log,lake", HealthStatus.Degraded)]
    public void The_verdict_follows_what_the_hosted_roles_need(ProcessRoles roles, string down, HealthStatus expected) =>
        Assert.Equal(expected, BackendHealth.Judge(roles, down.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet()));
}
