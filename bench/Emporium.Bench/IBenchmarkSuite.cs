namespace Emporium.Bench;

/// <summary>A named benchmark suite run by <c>dotnet run -c Release --project bench/Emporium.Bench -- NAME [ARGS]</c>.
/// Implementations are discovered by reflection (public parameterless constructor), so adding a bench means
/// adding a file, never editing Program.cs.</summary>
public interface IBenchmarkSuite
{
    /// <summary>Name given on the command line, lower case, e.g. "log".</summary>
    string Name { get; }

    /// <summary>One line shown by the suite list.</summary>
    string Description { get; }

    /// <summary>Runs the suite; the remaining command-line arguments are passed through. Returns the exit code.</summary>
    Task<int> RunAsync(string[] args, CancellationToken ct);
}
