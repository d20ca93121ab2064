namespace Emporium.Ingest;

/// <summary>A response remembered for an Idempotency-Key: status and JSON body, plus the SHA-256 of the request
/// body so a key reused for different content is refused rather than answered with an unrelated result.</summary>
public sealed record IdempotentResponse(int Status, string Body, string RequestHash, DateTimeOffset ExpiresAt)
{
    /// <summary>Retryable outcomes (back-pressure, server errors) are not remembered: a retry must be able to succeed.</summary>
    public bool IsFinal => Status < 500 && Status != 429;
}

/// <summary>What <see cref="IdempotencyStore.RunAsync"/> did.</summary>
public enum IdempotencyOutcome
{
    /// <summary>First time: the action ran.</summary>
    Executed,
    /// <summary>Seen before with the same body: the first response is returned and nothing runs.</summary>
    Replayed,
    /// <summary>Seen before with a different body: refused.</summary>
    KeyReused,
}
