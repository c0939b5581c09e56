using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Palisade.Core.Reputation;

namespace Palisade.Server.Trust;

public static class TrustServiceCollectionExtensions
{
    /// <summary>
    /// Registers reporter identity and trust (docs/scoring.md "Reporters", "Reporter trust"): the reporter book the key ring
    /// and the index share, its options (section <c>Palisade:Trust</c>) and the job that recomputes standings. Call after the
    /// engine's loader is registered: hosted services start in order, and standings need the loaded reports.
    /// </summary>
    public static IServiceCollection AddPalisadeTrust(this IServiceCollection services)
    {
        services.AddOptions<TrustOptions>()
            .BindConfiguration("Palisade:Trust")
            .Validate(o => o.CorroborationWindow > TimeSpan.Zero, "Palisade:Trust:CorroborationWindow must be positive.")
            .Validate(o => o.RecomputeInterval >= TimeSpan.FromSeconds(1), "Palisade:Trust:RecomputeInterval must be at least one second.")
            .Validate(o => o.DisputedMultiplier is >= 0 and <= 1, "Palisade:Trust:DisputedMultiplier must be between 0 and 1.")
            .ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<TrustOptions>>().Value);
        services.AddSingleton<ReporterBook>();
        services.AddHostedService<ReporterStandingService>();
        return services;
    }
}
