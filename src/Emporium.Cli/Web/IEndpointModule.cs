namespace Emporium.Cli.Web;

/// <summary>A group of HTTP endpoints. Implementations are discovered by reflection when the web host starts.</summary>
public interface IEndpointModule
{
    void Map(IEndpointRouteBuilder app);
}
