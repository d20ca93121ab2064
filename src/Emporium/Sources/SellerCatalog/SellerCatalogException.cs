namespace Emporium.Sources.SellerCatalog;

/// <summary>The seller catalog API answered in a way retries cannot fix (4xx other than 429, a body that is not the
/// expected JSON, retries exhausted). The message names the page and the reason.</summary>
public sealed class SellerCatalogException(string message, Exception? inner = null) : Exception(message, inner);
