using System.Text.Encodings.Web;

namespace Emporium.Cli.Web;

/// <summary>How every body this server writes encodes text. Error details and rejected values are read by people
/// (curl, logs) as much as by programs, so a quote, a '+' or an accented letter stays itself instead of becoming
/// <c>\u0027</c>. The default encoder escapes them to make JSON safe inside HTML; these bodies are never HTML, and the
/// dashboard puts values into the page as text.</summary>
public static class WireJson
{
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
}
