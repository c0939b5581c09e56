using System.Globalization;

namespace Palisade.Core.Reports;

/// <summary>How category id lists are stored in a text column: "1,18,22".</summary>
public static class IdListCodec
{
    public static string Encode(IReadOnlyList<int> ids) => string.Join(',', ids);

    public static int[] Decode(string text)
        => text.Length == 0 ? [] : Array.ConvertAll(text.Split(','), s => int.Parse(s, CultureInfo.InvariantCulture));
}
