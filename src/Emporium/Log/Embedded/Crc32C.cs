using System.Buffers.Binary;
using System.Numerics;

namespace Emporium.Log.Embedded;

/// <summary>CRC-32C (Castagnoli), the checksum Kafka and most storage engines use for records. System.IO.Hashing
/// only ships the IEEE polynomial; BitOperations.Crc32C uses the SSE4.2/ARM CRC instructions when present.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(0xFFFFFFFFu, data);

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
