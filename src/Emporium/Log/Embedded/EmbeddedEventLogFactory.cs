using Emporium.Configuration;

namespace Emporium.Log.Embedded;

/// <summary>Serves the <c>embedded</c> log scheme (the default: segment files under <c>&lt;data&gt;/log</c>).</summary>
public sealed class EmbeddedEventLogFactory : IBackendFactory<IEventLog>
{
    public IReadOnlyCollection<string> Schemes { get; } = ["embedded"];

    public async ValueTask<IEventLog> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        var directory = address.Path
                        ?? throw new ArgumentException($"The embedded log needs a local directory, got '{address.Value}'.", nameof(address));
        return await EmbeddedEventLog.OpenAsync(new EmbeddedLogOptions
        {
            Directory = directory,
            DefaultPartitions = Math.Max(1, options.Partitions),
        }, TimeProvider.System, ct).ConfigureAwait(false);
    }
}
