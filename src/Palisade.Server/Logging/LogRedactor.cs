using System.Text;
using System.Text.RegularExpressions;

namespace Palisade.Server.Logging;

/// <summary>
/// Removes secrets from text before it is logged: the value of every <c>key</c>/<c>api_key</c> query parameter in any
/// URL (the name is compared after percent-decoding, so <c>?k%65y=</c> is caught too), and anything shaped like a
/// Palisade key (<c>sk_&lt;tier&gt;_…</c>) wherever it appears. The e-mail address in an e-mail lookup path
/// (<c>/v1/key/email/{email}</c>) is masked too: it is personal data, not a secret, but it must not reach a log.
/// </summary>
public static partial class LogRedactor
{
    public const string Mask = "***";

    private static readonly string[] SecretNames = ["key", "api_key", "apikey", "api-key", "x-api-key", "token", "access_token", "password"];

    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var redacted = text.Contains('=', StringComparison.Ordinal) ? RedactQueryValues(text) : text;
        redacted = redacted.Contains("/email/", StringComparison.OrdinalIgnoreCase) ? EmailSegmentPattern().Replace(redacted, Mask) : redacted;
        return redacted.Contains("sk_", StringComparison.OrdinalIgnoreCase) ? KeyPattern().Replace(redacted, "sk_" + Mask) : redacted;
    }

    private static string RedactQueryValues(string text)
    {
        StringBuilder? builder = null;
        var copied = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is not ('?' or '&' or ';'))
            {
                continue;
            }

            var nameStart = i + 1;
            var equals = nameStart;
            while (equals < text.Length && text[equals] is not ('=' or '&' or '?' or '#' or ' ') && !char.IsControl(text[equals]) && equals - nameStart <= 64)
            {
                equals++;
            }

            if (equals >= text.Length || text[equals] != '=' || !IsSecretName(text.AsSpan(nameStart, equals - nameStart)))
            {
                continue;
            }

            var valueEnd = equals + 1;
            while (valueEnd < text.Length && text[valueEnd] is not ('&' or '#' or ' ' or '"' or '\'') && !char.IsControl(text[valueEnd]))
            {
                valueEnd++;
            }

            builder ??= new StringBuilder(text.Length);
            builder.Append(text, copied, equals + 1 - copied).Append(Mask);
            copied = valueEnd;
            i = valueEnd - 1;
        }

        return builder is null ? text : builder.Append(text, copied, text.Length - copied).ToString();
    }

    private static bool IsSecretName(ReadOnlySpan<char> encoded)
    {
        if (encoded.IsEmpty)
        {
            return false;
        }

        var name = encoded.Contains('%') || encoded.Contains('+') ? Uri.UnescapeDataString(encoded.ToString().Replace('+', ' ')) : encoded.ToString();
        name = name.Trim();
        foreach (var secret in SecretNames)
        {
            if (name.Equals(secret, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // Key secrets are "sk_<tier>_<32 base62>"; a looser tail also catches truncated or mistyped ones.
    [GeneratedRegex(@"sk_[A-Za-z0-9\-]{1,40}_[A-Za-z0-9]{8,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"(?<=/email/)(?!\{email\}(?:[/?#\s""']|$))[^/?#\s""']+", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex EmailSegmentPattern();
}
