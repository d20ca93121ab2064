using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Emporium.Ingest;

/// <summary>Dead letters as NDJSON in <c>&lt;data&gt;/deadletters/deadletters.ndjson</c>, fsync'd before the request is
/// answered. A plain file keeps rejected input readable with any tool and independent of the log backend; a torn
/// last line after a crash is skipped on read.</summary>
public sealed class FileDeadLetterStore : IDeadLetterStore, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _path;
    private readonly FileStream _stream;
    private long _count;

    public FileDeadLetterStore(string directory)
    {
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, "deadletters.ndjson");
        _stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, 1, FileOptions.None);
        _count = CountLines(_path);
    }

    public long Count => Interlocked.Read(ref _count);

    public async ValueTask AddAsync(IReadOnlyList<DeadLetter> letters, CancellationToken ct)
    {
        if (letters.Count == 0)
        {
            return;
        }
        var buffer = new MemoryStream();
        foreach (var letter in letters)
        {
            JsonSerializer.Serialize(buffer, letter, Json);
            buffer.WriteByte((byte)'\n');
        }
        await _gate.WaitAsync(ct);
        try
        {
            await _stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), CancellationToken.None);
            _stream.Flush(flushToDisk: true);
            Interlocked.Add(ref _count, letters.Count);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async IAsyncEnumerable<DeadLetter> ReadLatestAsync(string? dataset, int limit, [EnumeratorCancellation] CancellationToken ct)
    {
        // The file is append-only and bounded by what clients got wrong; reading it whole keeps this simple.
        var lines = await File.ReadAllLinesAsync(_path, Encoding.UTF8, ct);
        var yielded = 0;
        for (var i = lines.Length - 1; i >= 0 && yielded < limit; i--)
        {
            DeadLetter? letter;
            try
            {
                letter = JsonSerializer.Deserialize<DeadLetter>(lines[i], Json);
            }
            catch (JsonException)
            {
                continue;
            }
            if (letter is null || (dataset is not null && !string.Equals(letter.Dataset, dataset, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            yielded++;
            yield return letter;
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _gate.Dispose();
    }

    private static long CountLines(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        long n = 0;
        while (reader.ReadLine() is not null)
        {
            n++;
        }
        return n;
    }
}
