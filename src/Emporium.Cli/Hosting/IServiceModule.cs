using Emporium.Configuration;

namespace Emporium.Cli.Hosting;

/// <summary>Registers the services of one stage (log, processor, scheduler, landing watcher…) in the web host.
/// Implementations are discovered by reflection.</summary>
public interface IServiceModule
{
    void Configure(IServiceCollection services, EmporiumOptions options);
}
