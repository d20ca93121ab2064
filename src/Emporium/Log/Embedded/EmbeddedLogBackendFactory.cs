using Emporium.Configuration;

namespace Emporium.Log.Embedded;

/// <summary>Serves <c>embedded:</c> log addresses (the default: segment files under <c>&lt;data&gt;/log</c>).</summary>
public sealed class EmbeddedLogBackendFactory : IBackendFactory<IEventLog>
{
    public IReadOnlyCollection<string> Schemes { get; } = ["embedded"];

    public async ValueTask<IEventLog> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct) =>
        await EmbeddedEventLog.OpenAsync(
            new EmbeddedLogOptions { Directory = address.Path ?? throw new ArgumentException("embedded log needs a directory"), DefaultPartitions = options.Partitions },
            TimeProvider.System, ct);
}
