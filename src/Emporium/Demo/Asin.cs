namespace Emporium.Demo;

/// <summary>Demo ASINs: "B0" + 8 base-36 characters, unique per product index (a bijection of the index modulo
/// 36^8, offset by the seed), so products and the reviews that refer to them agree without sharing state.</summary>
public static class Asin
{
    private const ulong Space = 2821109907456; // 36^8
    private const ulong Multiplier = 1_000_000_007; // prime, so coprime with 36^8: multiplying is a bijection
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public static string For(long seed, long index)
    {
        var x = (ulong)(((UInt128)(ulong)index * Multiplier + (UInt128)(ulong)seed * 7919) % Space);
        return string.Create(10, x, static (span, value) =>
        {
            span[0] = 'B';
            span[1] = '0';
            for (var i = 9; i >= 2; i--)
            {
                span[i] = Digits[(int)(value % 36)];
                value /= 36;
            }
        });
    }
}
