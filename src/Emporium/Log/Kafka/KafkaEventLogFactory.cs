using System.Globalization;
using Confluent.Kafka;
using Emporium.Configuration;

namespace Emporium.Log.Kafka;

/// <summary>Serves <c>kafka://host:9092[,host2:9092][?partitions=N&amp;replication=N&amp;…]</c> log addresses. Other
/// query parameters are passed to librdkafka as client properties (e.g. <c>security.protocol=SASL_SSL</c>). A broker
/// must answer a metadata request before this returns, so an unreachable cluster stops start-up with a message naming
/// the setting.</summary>
public sealed class KafkaEventLogFactory : IBackendFactory<IEventLog>
{
    private const int DefaultPort = 9092;

    /// <summary>Processes share a topic's partitions through the consumer group; appends from several are fine.</summary>
    public bool SharedByProcesses => true;

    public IReadOnlyCollection<string> Schemes { get; } = ["kafka"];

    public async ValueTask<IEventLog> CreateAsync(BackendAddress address, EmporiumOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(options);
        var kafka = Parse(address.Value, Math.Max(1, options.Partitions));
        try
        {
            return await KafkaEventLog.ConnectAsync(kafka, TimeProvider.System, null, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KafkaException or ArgumentException or InvalidOperationException)
        {
            var reason = e switch
            {
                KafkaException { Error.Code: ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_TimedOut } k =>
                    $"no broker answered within {kafka.ConnectTimeout.TotalSeconds:0.#} s ({k.Error.Reason})",
                KafkaException k => k.Error.Reason,
                // librdkafka rejects unknown or invalid properties when the client is created.
                _ => e.Message.Split('\n', 2)[0].Trim(),
            };
            throw new BackendConfigurationException(BackendKind.Log, $"cannot use Kafka at '{Redact(address.Value)}': {reason}", e);
        }
    }

    /// <summary>Parses a <c>kafka://</c> address; <paramref name="defaultPartitions"/> applies when it has no
    /// <c>partitions</c> parameter.</summary>
    public static KafkaLogOptions Parse(string value, int defaultPartitions = 4)
    {
        ArgumentNullException.ThrowIfNull(value);
        const string prefix = "kafka://";
        if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(value, "it does not start with kafka://");
        }
        var rest = value[prefix.Length..];
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        var hosts = (question < 0 ? rest : rest[..question]).TrimEnd('/');
        var servers = new List<string>();
        // librdkafka takes no user:pass@ before a broker: it was kept as part of the broker's name, so the password
        // went into every connection error librdkafka logs.
        if (hosts.Contains('@', StringComparison.Ordinal))
        {
            throw Invalid(value, "a broker address takes no user:password@; give SASL credentials as ?security.protocol=SASL_SSL&sasl.mechanism=PLAIN&sasl.username=…&sasl.password=…");
        }
        foreach (var host in hosts.Split(',', StringSplitOptions.TrimEntries))
        {
            servers.Add(Server(value, host));
        }

        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        int? partitions = null;
        short replication = -1;
        foreach (var pair in (question < 0 ? "" : rest[(question + 1)..]).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(parts[0]);
            var text = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
            switch (key.ToLowerInvariant())
            {
                case "partitions":
                    partitions = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1
                        ? p
                        : throw Invalid(value, $"partitions must be a whole number ≥ 1, got '{text}'");
                    break;
                case "replication":
                    replication = short.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var r) && (r >= 1 || r == -1)
                        ? r
                        : throw Invalid(value, $"replication must be a whole number ≥ 1 (or -1 for the broker default), got '{text}'");
                    break;
                case var mock when mock.StartsWith("test.mock.", StringComparison.Ordinal):
                    throw Invalid(value, $"{key} would start a private mock cluster inside each of Emporium's Kafka clients, which share no data; give the address of a running cluster");
                default:
                    settings[key] = text;
                    break;
            }
        }
        return new KafkaLogOptions
        {
            BootstrapServers = string.Join(',', servers),
            DefaultPartitions = partitions ?? defaultPartitions,
            Partitions = partitions,
            ReplicationFactor = replication,
            Settings = settings,
        };
    }

    private static string Server(string value, string host)
    {
        if (host.Length == 0)
        {
            throw Invalid(value, "it names no broker (kafka://host:9092[,host2:9092])");
        }
        var colon = host.LastIndexOf(':');
        // A bracketed IPv6 literal has colons of its own: only a colon after the closing bracket starts a port.
        if (colon < 0 || host.LastIndexOf(']') > colon)
        {
            return $"{host}:{DefaultPort}";
        }
        return int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535 && colon > 0
            ? host
            : throw Invalid(value, $"'{host}' is not host:port");
    }

    private static BackendConfigurationException Invalid(string value, string reason) =>
        new(BackendKind.Log, $"'{Redact(value)}' is not a kafka://host:port[,host:port][?partitions=N] address: {reason}");

    /// <summary>The address with the values of client properties that carry credentials (<c>sasl.password</c>,
    /// <c>sasl.jaas.config</c>, <c>*.secret</c>, <c>ssl.key.*</c>, OAuth settings…) and any <c>user:pass@</c> password
    /// replaced by <c>***</c>, for messages (<see cref="SecretMask.Text"/>).</summary>
    public static string Redact(string address) => SecretMask.Text(address);
}
