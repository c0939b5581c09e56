namespace Palisade.Core.Blocklists;

/// <summary>Two-letter country codes packed into 16 bits (0 = unknown), with the texts shared so unpacking never allocates.</summary>
internal static class CountryCodes
{
    private static readonly string?[] Texts = BuildTexts();

    public static ushort Pack(string? code)
        => code is { Length: 2 } && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1])
            ? (ushort)((((code[0] - 'A') * 26) + (code[1] - 'A')) + 1)
            : (ushort)0;

    public static string? Unpack(ushort packed) => packed == 0 || packed > 26 * 26 ? null : Texts[packed];

    private static string?[] BuildTexts()
    {
        var texts = new string?[(26 * 26) + 1];
        for (var i = 0; i < 26 * 26; i++)
        {
            texts[i + 1] = string.Concat((char)('A' + (i / 26)), (char)('A' + (i % 26)));
        }

        return texts;
    }
}
