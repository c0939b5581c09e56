using System.Net;
using Microsoft.AspNetCore.Http;
using Palisade.Core.Keys;
using Palisade.Core.Quotas;
using Palisade.Server.Access;

namespace Palisade.Server.ReportedIp;

/// <summary>Who is calling a ReportedIP endpoint: a key (with its access state), or an anonymous client address
/// counted against the public quota.</summary>
internal sealed class ReportedIpCaller
{
    private static readonly object ItemKey = new();

    private ReportedIpCaller(AccessContext? access, IPAddress? client)
    {
        Access = access;
        Client = client;
    }

    /// <summary>Null for anonymous callers of public endpoints.</summary>
    public AccessContext? Access { get; }

    public IPAddress? Client { get; }

    public AuthenticatedKey? Key => Access?.Key;

    /// <summary>The public quota decision of an anonymous caller.</summary>
    public QuotaDecision? PublicDecision { get; set; }

    public static ReportedIpCaller Keyed(AccessContext access) => new(access, null);

    public static ReportedIpCaller Anonymous(IPAddress client) => new(null, client);

    public void Attach(HttpContext context) => context.Items[ItemKey] = this;

    public static ReportedIpCaller From(HttpContext context)
        => context.Items.TryGetValue(ItemKey, out var value) && value is ReportedIpCaller caller
            ? caller
            : throw new InvalidOperationException("The endpoint has no ReportedIP access filter.");
}
