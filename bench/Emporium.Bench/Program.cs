using Emporium.Bench;

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};
return await BenchmarkRegistry.RunAsync(args, cts.Token);
