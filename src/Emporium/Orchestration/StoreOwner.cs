using System.Text.Json;

namespace Emporium.Orchestration;

/// <summary>Who holds the metadata store: written beside the lock so a CLI can reach the owning server instead.</summary>
public sealed record StoreOwner(int Pid, string? Url)
{
    internal static StoreOwner? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<StoreOwner>(File.ReadAllText(path), XComJson.Options);
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    internal void Write(string path)
    {
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(this, XComJson.Options));
        File.Move(tmp, path, overwrite: true);
    }
}
