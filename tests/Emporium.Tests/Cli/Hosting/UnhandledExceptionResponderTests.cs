using System.Reflection;
using System.Text.Json;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>Values ASP.NET Core cannot bind to an endpoint's parameters (a query value that is no number) get the same
/// problem body as every other 400, with the field named, instead of an empty 400.</summary>
public sealed class UnhandledExceptionResponderTests
{
    [Theory]
    [InlineData("GET", "/api/v1/marts/top_customers?limit=abc", null, "limit", "expected an integer", "limit: expected an integer, got \"abc\"")]
    [InlineData("GET", "/api/v1/alerts?limit=zz", null, "limit", "expected an integer", "limit: expected an integer, got \"zz\"")]
    [InlineData("GET", "/api/v1/dags/retail_lake/runs?limit=1e3", null, "limit", "expected an integer", "limit: expected an integer, got \"1e3\"")]
    [InlineData("GET", "/api/v1/deadletters?limit=99999999999", null, "limit", "out of range for an integer", "limit: out of range for an integer, got \"99999999999\"")]
    public async Task A_value_that_does_not_bind_is_a_400_naming_the_field(string method, string path, string? body, string field, string error, string detail)
    {
        using var dir = new TempDir("binding");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : TestHost.Json(body) };

        var response = await host.Client.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var first = problem.RootElement.GetProperty("errors")[0];
        Assert.Equal(field, first.GetProperty("field").GetString());
        Assert.Equal(error, first.GetProperty("error").GetString());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(detail, problem.RootElement.GetProperty("detail").GetString());
    }

    /// <summary>A body over the server's request limit is a 413 titled for what it is, not "bad request".</summary>
    [Fact]
    public async Task A_body_over_the_server_limit_is_a_413_titled_body_too_large()
    {
        using var dir = new TempDir("binding");
        await using var host = await TestHost.StartEmbeddedAsync(dir.Path);
        var sql = new string('x', 18 << 20);

        // Asking to continue first lets the server answer before the client has sent a body it will not read.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/query") { Content = TestHost.Json($"{{\"sql\":\"{sql}\"}}") };
        request.Headers.ExpectContinue = true;

        var response = await host.Client.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("body too large", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(413, problem.RootElement.GetProperty("status").GetInt32());
    }
    /// <summary>An exception no endpoint expected is the server's fault, and its message is the server's business: a
    /// driver's or a library's words can carry a connection string, a server path or SQL. The 500 says where the
    /// details are (the server's log, which has the exception) and nothing of them.</summary>
    [Fact]
    public async Task An_unexpected_failure_is_a_500_that_keeps_the_exceptions_words_in_the_log()
    {
        using var dir = new TempDir("unexpected");
        await using var inner = new DuckDbWarehouse(new DuckDbWarehouseOptions { Path = dir.Combine("w.duckdb") });
        var warehouse = FailingWarehouse.Over(inner, "information_schema.columns",
            new InvalidOperationException("lost the connection 'Host=db.internal;Username=app;Password=s3cr3t' reading /var/lib/emporium/w.duckdb"));
        await using var host = await TestHost.StartAsync(warehouse: warehouse);

        var response = await host.Client.GetAsync("/api/v1/tables");

        Assert.Equal(500, (int)response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("s3cr3t", body, StringComparison.Ordinal);
        Assert.DoesNotContain("db.internal", body, StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("internal error", problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("log", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A warehouse whose trusted reads of SQL containing a text fail with a given exception.</summary>
    public class FailingWarehouse : DispatchProxy
    {
        private IWarehouse _inner = null!;
        private string _when = "";
        private Exception _error = null!;

        public static IWarehouse Over(IWarehouse inner, string when, Exception error)
        {
            var proxy = Create<IWarehouse, FailingWarehouse>();
            var self = (FailingWarehouse)(object)proxy;
            (self._inner, self._when, self._error) = (inner, when, error);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IWarehouse.QueryAsync) && args![0] is string sql && sql.Contains(_when, StringComparison.Ordinal))
            {
                return Task.FromException<QueryResult>(_error);
            }
            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }
    }
}
