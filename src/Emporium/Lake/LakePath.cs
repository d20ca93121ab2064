namespace Emporium.Lake;

/// <summary>Validation of lake paths: relative, '/'-separated, no empty, "." or ".." segments, no backslashes or
/// control characters. Every backend checks paths with this, so a path that works on one works on all.</summary>
public static class LakePath
{
    public static string Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("lake path is empty", nameof(path));
        }
        if (path.StartsWith('/') || path.Contains('\\') || (path.Length > 1 && path[1] == ':'))
        {
            throw new ArgumentException($"lake path must be relative with '/' separators: '{path}'", nameof(path));
        }
        foreach (var segment in path.Split('/'))
        {
            if (segment is "" or "." or "..")
            {
                throw new ArgumentException($"lake path has an empty, '.' or '..' segment: '{path}'", nameof(path));
            }
            if (segment.Any(char.IsControl))
            {
                throw new ArgumentException($"lake path has a control character: '{path}'", nameof(path));
            }
        }
        return path;
    }
}
