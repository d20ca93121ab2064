using Emporium.Log;

namespace Emporium.Processing;

/// <summary>Where the lake stands for a partition, from the offsets stored under the lake's group. A data dir whose
/// lake group holds nothing was written by a version that committed the lake with the rows, so its lake stands where the
/// warehouse does; otherwise a partition without a lake offset has nothing in the lake yet. The lake never stands past
/// the warehouse: a replay moves the warehouse back first, and a crash before the lake followed leaves it ahead.</summary>
internal static class LakePositions
{
    public static long Of(TopicPartition tp, IReadOnlyDictionary<TopicPartition, long> lake, IReadOnlyDictionary<TopicPartition, long> warehouse)
    {
        var behind = warehouse.GetValueOrDefault(tp, 0);
        return Math.Min(lake.Count == 0 ? behind : lake.GetValueOrDefault(tp, 0), behind);
    }
}
