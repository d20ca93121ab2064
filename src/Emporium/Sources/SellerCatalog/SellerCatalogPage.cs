namespace Emporium.Sources.SellerCatalog;

/// <summary>One page of the API as received: its number, the raw body and how many products it listed.</summary>
public sealed record SellerCatalogPage(int Number, byte[] Body, int ProductCount);
