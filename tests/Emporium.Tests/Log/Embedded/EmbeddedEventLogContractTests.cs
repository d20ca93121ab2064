using Emporium.Log;
using Emporium.Log.Embedded;
using Emporium.Tests.TestSupport;

namespace Emporium.Tests.Log.Embedded;

public sealed class EmbeddedEventLogContractTests : EventLogContract, IDisposable
{
    private readonly TempDir _dir = new("log");

    protected override async Task<IEventLog> OpenAsync(TimeProvider? time = null) =>
        await EmbeddedEventLog.OpenAsync(LogTestKit.Options(_dir.Path), time);

    public void Dispose() => _dir.Dispose();
}
