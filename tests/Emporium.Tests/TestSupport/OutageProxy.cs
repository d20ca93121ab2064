using System.Net;
using System.Net.Sockets;

namespace Emporium.Tests.TestSupport;

/// <summary>A loopback TCP proxy in front of a backend (moto S3, PostgreSQL) that a test can cut off and bring back:
/// <see cref="Cut"/> closes every open connection and refuses new ones, as a backend that went down or a network that
/// broke; <see cref="Restore"/> listens again on the same port. Unlike restarting the backend itself, what the backend
/// stored survives (moto keeps everything in memory).</summary>
public sealed class OutageProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly object _sync = new();
    private readonly List<TcpClient> _open = [];
    private readonly CancellationTokenSource _disposed = new();
    private TcpListener? _listener;

    public OutageProxy(string targetHost, int targetPort)
    {
        _target = new IPEndPoint(IPAddress.Parse(targetHost), targetPort);
        Port = FreePort.Next();
        Restore();
    }

    public int Port { get; }

    public bool IsCut { get; private set; }

    /// <summary>Connections accepted so far (a test can tell its client went through the proxy).</summary>
    public int Accepted { get; private set; }

    public void Cut()
    {
        lock (_sync)
        {
            IsCut = true;
            _listener?.Stop();
            _listener = null;
            foreach (var client in _open)
            {
                client.Client.LingerState = new LingerOption(true, 0); // a reset, as when the peer dies
                client.Dispose();
            }
            _open.Clear();
        }
    }

    public void Restore()
    {
        lock (_sync)
        {
            if (_listener is not null)
            {
                return;
            }
            var listener = new TcpListener(IPAddress.Loopback, Port);
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            IsCut = false;
            _ = AcceptAsync(listener);
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_disposed.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(_disposed.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        lock (_sync)
        {
            if (IsCut)
            {
                client.Dispose();
                upstream.Dispose();
                return;
            }
            Accepted++;
            _open.Add(client);
            _open.Add(upstream);
        }
        try
        {
            await upstream.ConnectAsync(_target, _disposed.Token);
            var a = client.GetStream();
            var b = upstream.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _disposed.Token), b.CopyToAsync(a, _disposed.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        finally
        {
            lock (_sync)
            {
                _open.Remove(client);
                _open.Remove(upstream);
            }
            client.Dispose();
            upstream.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        _disposed.Cancel();
        Cut();
        _disposed.Dispose();
        return ValueTask.CompletedTask;
    }
}
