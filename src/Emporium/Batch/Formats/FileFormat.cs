namespace Emporium.Batch.Formats;

/// <summary>File formats the batch loader reads. <see cref="Auto"/> detects by content, then by extension.</summary>
public enum FileFormat
{
    Auto,
    Csv,
    Tsv,
    Json,
    Ndjson,
    Xlsx,
    Parquet,
}
