using System.Text.Json;
using Emporium.Lake;

namespace Emporium.Batch.Loading;

/// <summary>Writes rejected rows as JSON lines under <c>quarantine/&lt;dataset&gt;/year=/month=/day=/</c>, one object
/// per chunk named after the file hash and the chunk's first row, so a resumed or forced load rewrites the same
/// objects instead of adding copies.</summary>
internal static class QuarantineWriter
{
    public const string Zone = "quarantine";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Folder(string dataset, DateOnly day) =>
        $"{Zone}/{dataset}/year={day.Year:D4}/month={day.Month:D2}/day={day.Day:D2}";

    public static async Task<(string Path, long Bytes)> WriteAsync(ILakeStore lake, string path, IReadOnlyList<QuarantineEntry> entries, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        foreach (var entry in entries)
        {
            JsonSerializer.Serialize(buffer, entry, Json);
            buffer.WriteByte((byte)'\n');
        }
        var bytes = buffer.Length;
        buffer.Position = 0;
        await lake.WriteAsync(path, buffer, ct).ConfigureAwait(false);
        return (path, bytes);
    }
}
