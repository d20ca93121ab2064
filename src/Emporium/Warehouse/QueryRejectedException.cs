namespace Emporium.Warehouse;

/// <summary>A user query was refused (a write, file or network access) or failed; the message is safe to show.</summary>
public sealed class QueryRejectedException(string message, Exception? inner = null) : Exception(message, inner);
