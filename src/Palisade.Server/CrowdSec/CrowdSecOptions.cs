using System.ComponentModel.DataAnnotations;

namespace Palisade.Server.CrowdSec;

/// <summary>The CrowdSec face's settings (configuration section "Palisade:CrowdSec").</summary>
public sealed class CrowdSecOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Palisade:CrowdSec";

    /// <summary>Score from which an address is a decision (one <c>ban</c>), 0 to 100.</summary>
    [Range(0, 100, ErrorMessage = "Palisade:CrowdSec:MinimumScore must be 0 to 100.")]
    public int MinimumScore { get; set; } = 75;
}
