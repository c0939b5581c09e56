using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Palisade.Server.CrowdSec.Contracts;

namespace Palisade.Server.CrowdSec;

/// <summary>Source-generated serializers for the CrowdSec LAPI face.</summary>
[JsonSerializable(typeof(CrowdSecMessage))]
[JsonSerializable(typeof(CrowdSecStream))]
[JsonSerializable(typeof(IReadOnlyList<CrowdSecDecision>))]
internal sealed partial class CrowdSecJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context answers are written with: readable UTF-8 (an apostrophe or × as itself, not \u0027 or \u00D7), which the
    /// clients show verbatim. Only JSON escaping applies; API JSON is never embedded in HTML (the dashboard writes its own).
    /// </summary>
    public static CrowdSecJsonContext Api { get; } = new(new JsonSerializerOptions() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
