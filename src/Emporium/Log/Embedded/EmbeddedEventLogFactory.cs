using System.Globalization;
using Emporium.Configuration;

namespace Emporium.Log.Embedded;

/// <summary>Serves <c>embedded:</c> log addresses (the default: <c>&lt;data&gt;/log</c>), with optional parameters
/// <c>embedded:PATH?retention=7d&amp;retention_bytes=10GB&amp;segment_bytes=64MB</c>:
/// <see cref="LogRetentionOptions.MaxAge"/> (<c>30m</c>, <c>12h</c>, <c>7d</c>, or <c>forever</c>),
/// <see cref="LogRetentionOptions.MaxBytesPerPartition"/> (a size, or <c>none</c>) and
/// <see cref="EmbeddedLogOptions.SegmentBytes"/> (a size of at least 4KB); <c>default</c> keeps a setting's default.
/// Retention never deletes what a registered group (the processor, the lake, ingest's key store) has not processed.</summary>
public sealed class EmbeddedEventLogFactory : IBackendFactory<IEventLog>
{
    private const string RetentionParameter = "retention";
    private const string RetentionBytesParameter = "retention_bytes";
    private const string SegmentBytesParameter = "segment_bytes";

    public IReadOnlyCollection<string> Schemes { get; } = ["embedded"];

    public async ValueTask<IEventLog> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        var directory = address.Path
                        ?? throw new ArgumentException($"The embedded log needs a local directory, got '{address.Value}'.", nameof(address));
        var settings = new EmbeddedLogOptions { Directory = directory, DefaultPartitions = Math.Max(1, options.Partitions) };
        // Parameters, as on duckdb: addresses; before, they became part of the folder's name ("log?retention=1d").
        var query = directory.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            settings = settings with { Directory = directory[..query] };
            foreach (var pair in directory[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var (name, value) = pair.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0
                    ? (Uri.UnescapeDataString(pair[..eq]), Uri.UnescapeDataString(pair[(eq + 1)..]).Trim())
                    : (Uri.UnescapeDataString(pair), "");
                settings = With(settings, address.Value, name.ToLowerInvariant(), value);
            }
        }
        return await EmbeddedEventLog.OpenAsync(settings, TimeProvider.System, ct).ConfigureAwait(false);
    }

    private static EmbeddedLogOptions With(EmbeddedLogOptions settings, string address, string name, string value)
    {
        var defaults = new EmbeddedLogOptions { Directory = settings.Directory };
        var isDefault = string.Equals(value, "default", StringComparison.OrdinalIgnoreCase);
        return name switch
        {
            _ when value.Length == 0 => throw Refused(address, $"parameter '{name}' has no value"),
            RetentionParameter => settings with
            {
                Retention = settings.Retention with
                {
                    MaxAge = isDefault ? defaults.Retention.MaxAge
                        : string.Equals(value, "forever", StringComparison.OrdinalIgnoreCase) ? null
                        : Duration(value) ?? throw Refused(address, $"{name} must be a duration such as 30m, 12h or 7d, or 'forever', not '{value}'"),
                },
            },
            RetentionBytesParameter => settings with
            {
                Retention = settings.Retention with
                {
                    MaxBytesPerPartition = isDefault || string.Equals(value, "none", StringComparison.OrdinalIgnoreCase) ? null
                        : Size(value) is { } bytes and > 0 ? bytes
                        : throw Refused(address, $"{name} must be a size per partition such as 512MB or 10GB, or 'none', not '{value}'"),
                },
            },
            SegmentBytesParameter => settings with
            {
                SegmentBytes = isDefault ? defaults.SegmentBytes
                    : Size(value) is { } bytes and >= 4096 ? bytes
                    : throw Refused(address, $"{name} must be a size of at least 4KB such as 64MB, not '{value}'"),
            },
            _ => throw Refused(address, $"unknown parameter '{name}'"),
        };
    }

    private static BackendConfigurationException Refused(string address, string reason) =>
        new(BackendKind.Log, $"'{address}': {reason} (the embedded log takes {RetentionParameter}=DURATION or forever, {RetentionBytesParameter}=SIZE or none, {SegmentBytesParameter}=SIZE, or 'default')");

    /// <summary>A whole number with a unit: s, m, h or d.</summary>
    private static TimeSpan? Duration(string value)
    {
        if (value.Length < 2 || !long.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return null;
        }
        return char.ToLowerInvariant(value[^1]) switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => null,
        };
    }

    /// <summary>Bytes, or a whole number with KB, MB, GB or TB (binary multiples, as the log's own defaults are).</summary>
    private static long? Size(string value)
    {
        var digits = value.TakeWhile(char.IsAsciiDigit).Count();
        if (digits == 0 || !long.TryParse(value.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }
        long? unit = value[digits..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1L,
            "KB" or "KIB" => 1L << 10,
            "MB" or "MIB" => 1L << 20,
            "GB" or "GIB" => 1L << 30,
            "TB" or "TIB" => 1L << 40,
            _ => null,
        };
        return unit is { } u && n <= long.MaxValue / u ? n * u : null;
    }
}
