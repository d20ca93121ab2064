using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Emporium.Testing;

public static class FreePort
{
    private const int Lowest = 10_000;
    private static readonly ConcurrentDictionary<int, bool> HandedOut = new();
    private static readonly int EphemeralStart = ReadEphemeralStart();

    /// <summary>A TCP port on loopback that was free a moment ago. It is drawn below the kernel's ephemeral range: a
    /// port the kernel picked (port 0) is one it may give again, before the caller binds it, as the local port of any
    /// outgoing connection on the machine (another test's client, a server's own connections), and the bind then fails.
    /// Ports handed out by this process are not handed out again.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 10_000; attempt++)
        {
            var port = Random.Shared.Next(Lowest, EphemeralStart);
            if (!HandedOut.TryAdd(port, true))
            {
                continue;
            }
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // in use by another process: draw again
            }
        }
        throw new InvalidOperationException($"no free loopback port between {Lowest} and {EphemeralStart}");
    }

    private static int ReadEphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            var start = int.Parse(range[0], CultureInfo.InvariantCulture);
            return start > Lowest + 1_000 ? start : 32_768;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32_768; // Linux's default
        }
    }
}
