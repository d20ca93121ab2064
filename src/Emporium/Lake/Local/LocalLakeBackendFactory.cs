using Emporium.Configuration;

namespace Emporium.Lake.Local;

/// <summary>Serves <c>file:</c> lake addresses and plain folder paths (the default: <c>&lt;data&gt;/lake</c>).</summary>
public sealed class LocalLakeBackendFactory : IBackendFactory<ILakeStore>
{
    public IReadOnlyCollection<string> Schemes { get; } = ["file"];

    public ValueTask<ILakeStore> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct) =>
        ValueTask.FromResult<ILakeStore>(new LocalLakeStore(address.Path ?? throw new ArgumentException($"lake address '{address.Value}' needs a folder path")));
}
