namespace Emporium.Tests.TestSupport;

/// <summary>The real PostgreSQL 15 server as an xunit fixture: use it as a collection fixture
/// (<c>[Collection(PostgresCollection.Name)]</c>) so one server serves many test classes, and give each test its own
/// database with <see cref="PostgresCluster.CreateDatabaseAsync"/> so tests never see each other's rows.</summary>
public sealed class PostgresServer : PostgresCluster, IAsyncLifetime
{
    Task IAsyncLifetime.InitializeAsync() => StartAsync();

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();
}

/// <summary>The xunit collection sharing one <see cref="PostgresServer"/>: mark test classes
/// <c>[Collection(PostgresCollection.Name)]</c> and take a <see cref="PostgresServer"/> in the constructor.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
