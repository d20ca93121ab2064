namespace Emporium.Tests.TestSupport;

/// <summary>Tests that change the test process's environment variables: xunit runs this collection after every other
/// one has finished and runs nothing beside it. Tests that only need a child process with other variables pass them to
/// that child instead (<c>ServerProcess</c>, <c>BatchCli</c>).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "process environment";
}
