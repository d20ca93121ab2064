using Emporium.Configuration;
using Emporium.Tests.TestSupport;
using Emporium.Warehouse.DuckDb;

namespace Emporium.Tests.Warehouse.DuckDb;

/// <summary>The <c>duckdb:</c> address and its parameters, <c>memory_limit</c> and <c>checkpoint_threshold</c>.</summary>
public sealed class DuckDbWarehouseBackendFactoryTests
{
    private static async Task<string> SettingOf(string uri, string setting)
    {
        var address = BackendAddresses.Parse(BackendKind.Warehouse, uri, "duckdb", "/unused");
        await using var warehouse = await new DuckDbWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None);
        var result = await warehouse.QueryAsync($"SELECT value FROM duckdb_settings() WHERE name = '{setting}'", CancellationToken.None);
        return (string)result.Rows.Single()[0]!;
    }

    private static Task<string> MemoryLimitOf(string uri) => SettingOf(uri, "memory_limit");

    [Fact]
    public async Task The_memory_limit_defaults_to_512_MB_and_is_set_from_the_address()
    {
        using var dir = new TempDir("duckdb-factory");
        Assert.Equal("488.2 MiB", await MemoryLimitOf($"duckdb:{dir.Combine("a.duckdb")}"));
        Assert.Equal("1.8 GiB", await MemoryLimitOf($"duckdb:{dir.Combine("b.duckdb")}?memory_limit=2GB"));
        Assert.True(File.Exists(dir.Combine("b.duckdb")), "the parameter is not part of the file name");
    }

    [Fact]
    public async Task The_checkpoint_threshold_defaults_to_256_MB_and_is_set_from_the_address()
    {
        using var dir = new TempDir("duckdb-factory");
        Assert.Equal("244.1 MiB", await SettingOf($"duckdb:{dir.Combine("a.duckdb")}", "checkpoint_threshold"));
        Assert.Equal("953.6 MiB", await SettingOf($"duckdb:{dir.Combine("b.duckdb")}?memory_limit=2GB&checkpoint_threshold=1GB", "checkpoint_threshold"));
        Assert.Equal("16.0 MiB", await SettingOf($"duckdb:{dir.Combine("c.duckdb")}?checkpoint_threshold=default", "checkpoint_threshold"));
    }

    [Theory]
    [InlineData("?checkpoint_threshold=", "unknown or empty parameter 'checkpoint_threshold'")]
    [InlineData("?memory_limt=2GB", "unknown or empty parameter 'memory_limt'")]
    [InlineData("?memory_limit=lots", "memory_limit")]
    public async Task A_bad_parameter_names_the_setting(string query, string expected)
    {
        using var dir = new TempDir("duckdb-factory");
        var address = BackendAddresses.Parse(BackendKind.Warehouse, $"duckdb:{dir.Combine("c.duckdb")}{query}", "duckdb", "/unused");
        var e = await Assert.ThrowsAsync<BackendConfigurationException>(async () =>
            await new DuckDbWarehouseBackendFactory().CreateAsync(address, new EmporiumOptions(), CancellationToken.None));
        Assert.StartsWith("--warehouse (setting Warehouse): ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }
}
