using Emporium.Cli.Hosting;

namespace Emporium.Cli.Web;

/// <summary>A group of HTTP endpoints. Implementations are discovered by reflection when the web host starts.</summary>
public interface IEndpointModule
{
    /// <summary>The roles whose processes serve these endpoints (see <see cref="ProcessRoles"/>).</summary>
    ProcessRoles Roles { get; }

    void Map(IEndpointRouteBuilder app);
}
