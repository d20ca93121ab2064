namespace Emporium.Cli.Hosting;

/// <summary>Fills an empty data dir with generated demo data through the normal ingest path (<c>up --demo</c>).</summary>
public static class DemoSeeder
{
    public static Task SeedIfEmptyAsync(EmporiumHost host, TextWriter output, CancellationToken ct)
    {
        // The demo generator belongs to the datasets stage; until it exists the server runs without demo data.
        output.WriteLine("  demo:      no demo data generator is built in yet; starting empty");
        return Task.CompletedTask;
    }
}
