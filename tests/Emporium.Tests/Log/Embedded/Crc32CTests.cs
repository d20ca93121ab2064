using System.Text;
using Emporium.Log.Embedded;

namespace Emporium.Tests.Log.Embedded;

public sealed class Crc32CTests
{
    [Fact]
    public void MatchesTheCastagnoliCheckValue() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void MatchesTheIscsiTestVectors()
    {
        // RFC 3720 B.4: 32 bytes of zeros, and 32 bytes of 0xFF.
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
    }
}
