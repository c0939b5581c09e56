using System.Buffers;
using System.Globalization;
using System.Text;
using Palisade.Core.Blocklists;
using Palisade.Server.Access;

namespace Palisade.Server.IpSwamp;

/// <summary>IPSwamp's export as CSV: <c>ip,score,threat_level,last_attack,total_hits,country_code</c>.</summary>
internal sealed class IpSwampExportCsvLayout : BlocklistLayout
{
    public static IpSwampExportCsvLayout Instance { get; } = new();

    public override string Name => "ipswamp-csv";

    public override string ContentType => "text/csv; charset=utf-8";

    public override int EstimatedBytesPerEntry => 60;

    public override void WriteHead(BlocklistSelection selection, IBufferWriter<byte> output)
        => output.Write("ip,score,threat_level,last_attack,total_hits,country_code\n"u8);

    public override void WriteEntries(BlocklistSelection selection, int from, int to, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var line = new StringBuilder();
        for (var i = from; i < to; i++)
        {
            ref readonly var entry = ref selection.Entry(i);
            line.Append(CultureInfo.InvariantCulture,
                $"{entry.Address},{entry.Score},{IpSwampApi.Level(entry.Score)},{WireTime.Rfc3339(entry.LastSeen)},{entry.Sessions},{entry.CountryCode}\n");
            if (line.Length > 32 * 1024)
            {
                Encoding.UTF8.GetBytes(line.ToString(), output);
                line.Clear();
            }
        }

        Encoding.UTF8.GetBytes(line.ToString(), output);
    }
}
