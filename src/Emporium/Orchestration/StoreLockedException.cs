namespace Emporium.Orchestration;

/// <summary>Another process (a running server, or another <c>dag run</c>) is the metadata store's writer.</summary>
public sealed class StoreLockedException(string directory, StoreOwner? owner, Exception inner)
    : IOException($"the orchestrator metadata in {directory} is in use by {(owner is null ? "another process" : $"process {owner.Pid}{(owner.Url is null ? "" : $" ({owner.Url})")}")}", inner)
{
    public StoreOwner? Owner { get; } = owner;
}
