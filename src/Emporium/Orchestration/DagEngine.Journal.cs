using Microsoft.Extensions.Logging;

namespace Emporium.Orchestration;

public sealed partial class DagEngine
{
    /// <summary>How long a try waits before writing again a start or end the journal could not take.</summary>
    internal static readonly TimeSpan JournalRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>Writes a try's start or end until the journal takes it (or the engine stops). The try's outcome is known
    /// and must not be lost or turned into a task failure: thrown into the retry pipeline it re-ran a task that had
    /// succeeded, or left it 'running' for a whole retry delay with nothing said. While the disk is full the task
    /// shows its last recorded state and the log says why it waits; the next start records an unsaved try as
    /// interrupted.</summary>
    private async Task WriteJournalAsync(string what, Action write, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                write();
                journalFailures.Succeeded();
                return;
            }
            catch (JournalWriteException e)
            {
                journalFailures.Failed(e, $"{what} is written again every {JournalRetryDelay} until the journal takes it");
            }
            await Task.Delay(JournalRetryDelay, Time, cancellationToken).ConfigureAwait(false);
        }
    }
}
