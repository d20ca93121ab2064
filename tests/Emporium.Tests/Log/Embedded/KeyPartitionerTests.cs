using System.Text;
using Emporium.Log.Embedded;

namespace Emporium.Tests.Log.Embedded;

public sealed class KeyPartitionerTests
{
    // Apache Kafka's own murmur2 test vectors (UtilsTest.testMurmur2): matching them means keys land in the same
    // partition as with Kafka's Java client default partitioner.
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Murmur2MatchesKafka(string key, int expected) =>
        Assert.Equal(expected, KeyPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void PartitionIsTheNonNegativeHashModuloTheCount()
    {
        foreach (var key in new[] { "21", "foobar", "B07XYZ", "ümlaut-키" })
        {
            var hash = KeyPartitioner.Murmur2(Encoding.UTF8.GetBytes(key));
            Assert.Equal((hash & 0x7fffffff) % 12, KeyPartitioner.PartitionFor(key, 12));
        }
    }
}
