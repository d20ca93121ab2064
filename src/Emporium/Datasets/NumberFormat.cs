namespace Emporium.Datasets;

/// <summary>Extra textual number shapes a column accepts besides plain numbers.</summary>
public enum NumberFormat
{
    /// <summary>Plain numbers only (optionally with a currency sign and ',' thousands separators).</summary>
    Plain,
    /// <summary>Also approximate counts as marketplaces print them: <c>1K+ bought in past month</c> → 1000,
    /// <c>2.5M</c> → 2500000, <c>50+</c> → 50. The words after the number are ignored.</summary>
    ApproximateCount,
}
