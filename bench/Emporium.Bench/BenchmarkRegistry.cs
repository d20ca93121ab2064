namespace Emporium.Bench;

/// <summary>Finds every <see cref="IBenchmarkSuite"/> in this assembly.</summary>
public static class BenchmarkRegistry
{
    public static IReadOnlyList<IBenchmarkSuite> Discover() =>
        typeof(IBenchmarkSuite).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IBenchmarkSuite).IsAssignableFrom(t)
                        && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (IBenchmarkSuite)Activator.CreateInstance(t)!)
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();

    /// <summary>Dispatches on the first argument; with no or an unknown name, lists the suites.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        var suites = Discover();
        var suite = args.Length > 0
            ? suites.FirstOrDefault(s => string.Equals(s.Name, args[0], StringComparison.OrdinalIgnoreCase))
            : null;
        if (suite is null)
        {
            if (args.Length > 0)
            {
                Console.Error.WriteLine($"Unknown benchmark suite '{args[0]}'.");
            }

            Console.Error.WriteLine("Usage: dotnet run -c Release --project bench/Emporium.Bench -- SUITE [ARGS]");
            Console.Error.WriteLine("Suites:");
            foreach (var s in suites)
            {
                Console.Error.WriteLine($"  {s.Name,-16} {s.Description}");
            }

            return args.Length > 0 ? 2 : 1;
        }

        return await suite.RunAsync(args[1..], ct);
    }
}
