using Emporium.Cli.Hosting;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Cli.Hosting;

/// <summary>Settings read from the test process's own environment. Setting an <c>EMPORIUM__…</c> variable here is seen
/// by every host and CLI child any other test starts meanwhile (a server bound to 127.0.0.3 with 6 partitions over a
/// log made with 4), so these tests run alone (<see cref="ProcessEnvironment"/>).</summary>
[Collection(ProcessEnvironment.Name)]
public sealed class EnvironmentConfigurationTests
{
    [Fact]
    public void ConfigurationLayersFileThenEnvironmentThenFlags()
    {
        using var dir = new TempDir("config");
        File.WriteAllText(dir.Combine("emporium.json"), """{"Port": 6000, "Bind": "127.0.0.2", "Partitions": 8, "Ingest": {"MaxBodyBytes": 1000}, "Auth": {"Keys": [{"Name": "a", "Hash": "ab", "Scopes": ["read"]}]}}""");
        Environment.SetEnvironmentVariable("EMPORIUM__PARTITIONS", "6");
        Environment.SetEnvironmentVariable("EMPORIUM__BIND", "127.0.0.3");
        try
        {
            var options = EmporiumConfiguration.Load(dir.Path, new Dictionary<string, string?> { ["Bind"] = "127.0.0.4" });
            Assert.Equal(6000, options.Port);
            Assert.Equal(6, options.Partitions);
            Assert.Equal("127.0.0.4", options.Bind);
            Assert.Equal(1000, options.Ingest.MaxBodyBytes);
            Assert.Equal(["read"], Assert.Single(options.Auth.Keys).Scopes);
            Assert.Equal(dir.Path, options.DataDir);
        }
        finally
        {
            Environment.SetEnvironmentVariable("EMPORIUM__PARTITIONS", null);
            Environment.SetEnvironmentVariable("EMPORIUM__BIND", null);
        }
    }
}
