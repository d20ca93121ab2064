using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Emporium.Cli.Web;

/// <summary>Describes a request body in the OpenAPI document only. <c>Accepts</c> would do it too, but it also makes
/// routing answer other content types with an empty 415 before the endpoint, whose own 415 names what it takes
/// (and the query endpoint reads JSON whatever the content type).</summary>
public static class OpenApiBodies
{
    public static RouteHandlerBuilder DescribesBody(this RouteHandlerBuilder route, Type? schema, params string[] contentTypes) =>
        route.AddOpenApiOperationTransformer(async (operation, context, ct) =>
        {
            var content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal);
            foreach (var type in contentTypes)
            {
                content[type] = new OpenApiMediaType { Schema = schema is null ? null : await context.GetOrCreateSchemaAsync(schema, null, ct) };
            }
            operation.RequestBody = new OpenApiRequestBody { Required = true, Content = content };
        });
}
