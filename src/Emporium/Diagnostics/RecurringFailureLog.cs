using Microsoft.Extensions.Logging;

namespace Emporium.Diagnostics;

/// <summary>The log of an operation retried until it works (a landing scan, a checkpoint, a journal write): while the
/// disk is full it fails on every retry, and a stack trace per retry filled a console with hundreds of lines. The
/// first failure is logged with its exception (so is a failure of another kind: a new problem); repeats of the same
/// kind (exception type and error code, whatever file its message names: a full disk's temporary files have new
/// names every time) are a one-line reminder at most every <see cref="ReminderInterval"/>; the first success after
/// failures logs that the operation recovered. Thread-safe.</summary>
public sealed class RecurringFailureLog(ILogger logger, string operation, TimeProvider? time = null, TimeSpan? reminderInterval = null)
{
    /// <summary>Default time between reminders of a failure that goes on: 1 minute.</summary>
    public static readonly TimeSpan DefaultReminderInterval = TimeSpan.FromMinutes(1);

    private readonly object sync = new();
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private (Type Type, int Code)? lastKind;
    private DateTimeOffset firstAt;
    private DateTimeOffset remindedAt;
    private int failures;

    public TimeSpan ReminderInterval { get; } = reminderInterval ?? DefaultReminderInterval;

    /// <summary>Failures since the last success.</summary>
    public int Failures
    {
        get
        {
            lock (sync)
            {
                return failures;
            }
        }
    }

    /// <param name="consequence">What the failure means or what happens next, e.g. "retrying in 5 s".</param>
    public void Failed(Exception e, string consequence, LogLevel level = LogLevel.Warning)
    {
        var now = clock.GetUtcNow();
        lock (sync)
        {
            failures++;
            if (failures == 1)
            {
                firstAt = now;
            }
            if (lastKind != (e.GetType(), e.HResult))
            {
                lastKind = (e.GetType(), e.HResult);
                remindedAt = now;
                logger.Log(level, e, "{Operation} failed: {Error}; {Consequence}", operation, e.Message, consequence);
                return;
            }
            if (now - remindedAt < ReminderInterval)
            {
                return;
            }
            remindedAt = now;
            logger.Log(level, "{Operation} still failing ({Failures} failures since {Since:O}): {Error}; {Consequence}",
                operation, failures, firstAt, e.Message, consequence);
        }
    }

    public void Succeeded()
    {
        var now = clock.GetUtcNow();
        lock (sync)
        {
            if (failures == 0)
            {
                return;
            }
            logger.LogInformation("{Operation} recovered after {Failures} failures over {Duration}", operation, failures, now - firstAt);
            failures = 0;
            lastKind = null;
        }
    }
}
