using System.Buffers;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Emporium.Datasets;

/// <summary>Review ids for sources that have none (McAuley, Datafiniti's empty <c>reviews.id</c>): a hash of what the
/// review says and who said it when, so a resend of the same review gets the same id (and is upserted, not
/// duplicated) while two different reviews do not collide.
/// <para>Recipe (version 1): XxHash128 over UTF-8 of <c>asin, reviewer, reviewed_at, title, text</c> joined with U+001F,
/// where reviewer is <c>reviewer_id</c>, or <c>reviewer_name</c> when there is no id (Datafiniti usernames are not
/// unique, so the title and text are what tell their reviews apart), and reviewed_at is UTC ticks. Written as 32
/// lower-case hex digits.</para>
/// <para>Why the text is always in: reviewer + asin + day is not unique. In the McAuley fashion sample 18 reviewers
/// wrote two different reviews of the same asin (different sizes or colours) on the same day. The rating is left out
/// so a resend that only corrects the rating updates the review instead of adding a second one.</para></summary>
public static class ReviewIdentity
{
    private const char Separator = '\u001f';

    public static string Derive(string asin, string? reviewerId, string? reviewerName, DateTime? reviewedAt, string? title, string? text)
    {
        var reviewer = reviewerId ?? (reviewerName is null ? string.Empty : "name:" + reviewerName);
        var ticks = reviewedAt is { } at ? at.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture) : string.Empty;
        var length = asin.Length + reviewer.Length + ticks.Length + (title?.Length ?? 0) + (text?.Length ?? 0) + 4;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(length);
        var rented = maxBytes > 1024 ? ArrayPool<byte>.Shared.Rent(maxBytes) : null;
        Span<byte> buffer = rented ?? stackalloc byte[1024];
        try
        {
            var n = 0;
            n += Encoding.UTF8.GetBytes(asin, buffer[n..]);
            n += Append(buffer[n..], reviewer);
            n += Append(buffer[n..], ticks);
            n += Append(buffer[n..], title);
            n += Append(buffer[n..], text);
            var hash = XxHash128.HashToUInt128(buffer[..n]);
            return hash.ToString("x32", CultureInfo.InvariantCulture);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static int Append(Span<byte> destination, string? value)
    {
        destination[0] = (byte)Separator;
        return 1 + (value is null ? 0 : Encoding.UTF8.GetBytes(value, destination[1..]));
    }
}
