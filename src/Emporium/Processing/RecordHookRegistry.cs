using Emporium.Datasets;

namespace Emporium.Processing;

/// <summary>The enrich/filter hooks per dataset, run in registration order before the sinks. A hook returning null
/// drops the record (it still counts as processed: its offset is committed).</summary>
public sealed class RecordHookRegistry
{
    private readonly Dictionary<string, List<RecordHook>> _hooks = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public RecordHookRegistry Add(string dataset, RecordHook hook)
    {
        lock (_gate)
        {
            if (!_hooks.TryGetValue(dataset, out var list))
            {
                _hooks[dataset] = list = [];
            }
            list.Add(hook);
        }
        return this;
    }

    /// <summary>Runs the dataset's hooks over a record; null when one of them dropped it.</summary>
    public CanonicalRecord? Apply(CanonicalRecord record)
    {
        RecordHook[] hooks;
        lock (_gate)
        {
            if (!_hooks.TryGetValue(record.Schema.Name, out var list) || list.Count == 0)
            {
                return record;
            }
            hooks = [.. list];
        }
        CanonicalRecord? current = record;
        foreach (var hook in hooks)
        {
            current = hook(current);
            if (current is null)
            {
                return null;
            }
            if (!ReferenceEquals(current.Schema, record.Schema) && current.Schema != record.Schema)
            {
                throw new InvalidOperationException($"a hook of {record.Schema.Name} returned a record of {current.Schema.Name}");
            }
        }
        return current;
    }
}
