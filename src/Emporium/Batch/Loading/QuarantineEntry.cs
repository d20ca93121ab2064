namespace Emporium.Batch.Loading;

/// <summary>One rejected row (or a whole rejected file, with Line and Record 0), as written to the lake's quarantine
/// zone: where it was, why, and what it held.</summary>
/// <param name="File">Original file name.</param>
/// <param name="Sha256">Content hash of the file.</param>
/// <param name="Dataset">Target dataset.</param>
/// <param name="Record">1-based data row ordinal (0 for the whole file).</param>
/// <param name="Line">1-based line (or sheet row) where the row starts; 0 when the format has none.</param>
/// <param name="Column">Input column (header name or field number) at fault, when known.</param>
/// <param name="Reason">Why it was rejected.</param>
/// <param name="Raw">The row as read: its text, or its fields as JSON.</param>
public sealed record QuarantineEntry(
    string File,
    string Sha256,
    string Dataset,
    long Record,
    long Line,
    string? Column,
    string Reason,
    string? Raw);
