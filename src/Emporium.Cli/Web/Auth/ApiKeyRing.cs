using Emporium.Configuration;

namespace Emporium.Cli.Web.Auth;

/// <summary>The API keys a running server accepts now. They are replaced while it runs (<see cref="Hosting.ApiKeyReloader"/>),
/// so a key added with <c>emporium keys add</c> works, and a removed (leaked) key stops working, without a restart.</summary>
/// <param name="initial">The keys the server started with.</param>
/// <param name="loopbackOnly">Whether the server is reachable from this machine only.</param>
public sealed class ApiKeyRing(AuthOptions initial, bool loopbackOnly)
{
    private volatile AuthOptions _current = initial;

    public AuthOptions Current => _current;

    /// <summary>Whether requests need a key: keys are configured, or the server is reachable from the network. A server
    /// that started with keys on a network address and has had every key removed since fails closed (refuses every
    /// request that needs a key) rather than serving anyone, which start-up refuses too.</summary>
    public bool Required => RequiredWith(_current);

    /// <summary><see cref="Required"/> for one snapshot of the keys, so a request judges by the keys it checks.</summary>
    public bool RequiredWith(AuthOptions keys) => keys.Keys.Count > 0 || !loopbackOnly;

    /// <summary>Raised after the keys were replaced.</summary>
    public event Action<AuthOptions>? Changed;

    /// <summary>Replaces the keys, or says why not (the current ones stay).</summary>
    public string? TryReplace(AuthOptions next)
    {
        if (ApiKeyValidation.Problem(next) is { } problem)
        {
            return problem;
        }
        _current = next;
        Changed?.Invoke(next);
        return null;
    }
}
