namespace Emporium.Log;

/// <summary>The log could not make an append durable (e.g. the Kafka brokers did not acknowledge it). Nothing in the
/// failed call may be treated as acknowledged; the HTTP layer answers 503 with Retry-After so the client retries.</summary>
public sealed class LogUnavailableException(string message, Exception? inner = null) : IOException(message, inner);
