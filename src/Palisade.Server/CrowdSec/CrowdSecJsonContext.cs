using System.Text.Json.Serialization;
using Palisade.Server.CrowdSec.Contracts;

namespace Palisade.Server.CrowdSec;

/// <summary>Source-generated serializers for the CrowdSec LAPI face.</summary>
[JsonSerializable(typeof(CrowdSecMessage))]
[JsonSerializable(typeof(CrowdSecStream))]
[JsonSerializable(typeof(IReadOnlyList<CrowdSecDecision>))]
internal sealed partial class CrowdSecJsonContext : JsonSerializerContext;
