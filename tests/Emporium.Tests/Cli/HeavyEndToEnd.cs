namespace Emporium.Tests.Cli;

/// <summary>Whole-server tests (crash test, real-sample end to end) run one after the other: each runs a full
/// processor, and on two cores two of them at once starve each other far beyond their time limits.</summary>
[CollectionDefinition(Name)]
public sealed class HeavyEndToEnd
{
    public const string Name = "heavy end-to-end";
}
