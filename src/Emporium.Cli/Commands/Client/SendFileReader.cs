using System.Runtime.CompilerServices;
using System.Text.Json;
using Emporium.Batch.Formats;
using Emporium.Diagnostics;

namespace Emporium.Cli.Commands.Client;

/// <summary>A file opened for <c>emporium send</c>: read with the batch loader's format detection and readers, so
/// send takes exactly what <c>emporium load</c> takes (CSV/TSV with a sniffed dialect, JSON with a record path,
/// NDJSON, XLSX, Parquet; encoding fallbacks), and each row becomes the JSON object the ingest API expects. Text
/// fields stay text (empty fields null): the server's normalizer types them, as for a file load.</summary>
public sealed class SendFileReader : IDisposable
{
    private readonly FormatInput _input;
    private readonly IFormatReader _reader;
    private readonly List<string> _warnings;
    private readonly string _sha256;
    private readonly string _scratch;

    private SendFileReader(string path, FormatInput input, IFormatReader reader, List<string> warnings, string sha256, string scratch)
    {
        Path = path;
        _input = input;
        _reader = reader;
        _warnings = warnings;
        _sha256 = sha256;
        _scratch = scratch;
    }

    /// <summary>One row: its JSON object, or why it could not be read (then <see cref="Json"/> is null).</summary>
    public readonly record struct Row(RowPosition Position, byte[]? Json, string? Error, string? Column);

    /// <summary>Probes the file (hash, format, encoding) and picks its reader. A gzip file is read through a
    /// decompressed scratch copy (see <see cref="Compression"/>), deleted on dispose. Throws
    /// <see cref="FileReadException"/> when the content is not a readable format or contradicts
    /// <paramref name="settings"/>.</summary>
    public static async Task<SendFileReader> OpenAsync(string path, ReadSettings settings, CancellationToken ct)
    {
        var probe = await FileProbe.RunAsync(path, ct).ConfigureAwait(false);
        var scratch = Lake.ScratchFolder.NewPath(null, "send");
        try
        {
            var content = await FileContent.OfAsync(path, probe, scratch, ct).ConfigureAwait(false);
            var warnings = new List<string>();
            var format = FormatDetector.Resolve(content.Path, content.Probe, settings.Format, warnings.Add);
            return new SendFileReader(path, new FormatInput(content.Path, content.Probe, settings), FormatDetector.ReaderFor(format), warnings, probe.Sha256, scratch)
            {
                Identity = IdentityOf(probe.Sha256, format, content.Probe, settings.JsonPath),
            };
        }
        catch
        {
            Delete(scratch);
            throw;
        }
    }

    /// <summary>The file as given (not its decompressed copy).</summary>
    public string Path { get; }

    /// <summary>What the reader reads: the file, or its decompressed scratch copy.</summary>
    internal string ReadPath => _input.Path;

    /// <summary>SHA-256 of the file as given (hex): the identity the idempotency keys derive from.</summary>
    public string Sha256 => _sha256;

    /// <summary>What the idempotency keys derive from (hex): the file's SHA-256, unless <c>--json-path</c> picks other
    /// records of a JSON document than the path the reader finds by itself; then the SHA-256 of the file's and the
    /// path's, since the same keys for other records were refused as reused with a different body.</summary>
    public string Identity { get; private init; } = "";

    private static string IdentityOf(string sha256, FileFormat format, FileProbe content, string? jsonPath) =>
        format == FileFormat.Json && JsonRecordPath.Chosen(jsonPath, content) is { } chosen
            ? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{sha256}\n{chosen}")))
            : sha256;

    /// <summary>Bytes of the content read (decompressed, for a gzip file), the scale of <see cref="BytesRead"/>.</summary>
    public long Size => _input.Probe.Size;

    public void Dispose() => Delete(_scratch);

    private static void Delete(string scratch)
    {
        if (Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Bytes consumed so far, for a progress display.</summary>
    public long BytesRead => _input.BytesRead;

    /// <summary>Format, dialect and encoding notes gathered so far.</summary>
    public IReadOnlyList<string> Warnings => [.. _warnings, .. _input.Warnings];

    public async IAsyncEnumerable<Row> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new MemoryStream();
        await foreach (var row in _reader.ReadAsync(_input, ct).ConfigureAwait(false))
        {
            if (row.Error is { } error)
            {
                yield return new Row(row.Position, null, error, row.ErrorColumn);
                continue;
            }
            if (row.Fields is not { } fields)
            {
                // A JSON row borrows the reader's document, which the next step disposes: serialize it now.
                byte[]? json = null;
                string? invalid = null;
                try
                {
                    json = JsonSerializer.SerializeToUtf8Bytes(row.Json);
                }
                catch (Exception e) when (JsonErrorText.IsInvalidText(e))
                {
                    // The row is refused here, as the server would refuse it; the rows around it are still sent.
                    invalid = JsonErrorText.InvalidTextReason(e);
                }
                yield return new Row(row.Position, json, invalid, null);
                continue;
            }
            buffer.SetLength(0);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var (name, value) in fields)
                {
                    if (value is null)
                    {
                        writer.WriteNull(name);
                    }
                    else
                    {
                        writer.WriteString(name, value);
                    }
                }
                writer.WriteEndObject();
            }
            yield return new Row(row.Position, buffer.ToArray(), null, null);
        }
    }
}
