using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Palisade.Server;

/// <summary>
/// The options tree: every setting lives under the <c>Palisade</c> section, each area's class bound from its own
/// sub-section with <c>BindConfiguration</c> and checked when the server starts (<c>ValidateOnStart</c>), every failure
/// naming the setting as it is written in configuration. docs/configuration.md lists them all.
/// </summary>
public static class PalisadeOptionsRegistration
{
    /// <summary>The root section of every Palisade setting.</summary>
    public const string Section = "Palisade";

    /// <summary>The TAXII-only spelling of <see cref="PalisadeOptions.PublicBaseUrl"/>, read when that is empty.</summary>
    public const string TaxiiPublicBaseUrlAlias = "Palisade:Taxii:PublicBaseUrl";

    /// <summary>
    /// Registers <see cref="PalisadeOptions"/> (section <c>Palisade</c>, then <paramref name="configure"/>, which has the
    /// last say) with <see cref="PalisadeOptionsValidator"/> at start, and the bound instance itself for the classes that
    /// take it directly.
    /// </summary>
    public static OptionsBuilder<PalisadeOptions> AddPalisadeOptions(this IServiceCollection services, Action<PalisadeOptions>? configure = null)
    {
        var builder = services.AddOptions<PalisadeOptions>().BindConfiguration(Section).PostConfigure<IConfiguration>(ApplyAliases);
        if (configure is not null)
        {
            builder.PostConfigure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PalisadeOptions>, PalisadeOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<PalisadeOptions>>().Value);
        return builder.ValidateOnStart();
    }

    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/>, checks its data annotations (whose messages name
    /// the setting) when the server starts, and registers the bound instance for the classes that take it directly.
    /// </summary>
    public static OptionsBuilder<T> AddPalisadeSection<T>(this IServiceCollection services, string section)
        where T : class
    {
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
    }

    /// <summary>
    /// The settings as they stand before the host is built, checked: which store, counters and data folder are registered
    /// depends on them (everything else reads the options from the container).
    /// </summary>
    public static PalisadeOptions ReadForRegistration(IConfiguration configuration, Action<PalisadeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<PalisadeOptions>() ?? new PalisadeOptions();
        ApplyAliases(options, configuration);
        configure?.Invoke(options);
        PalisadeOptionsValidator.ThrowIfInvalid(options);
        return options;
    }

    private static void ApplyAliases(PalisadeOptions options, IConfiguration configuration)
    {
        // TAXII had its own public URL before one setting served every face; configurations that set only it keep working.
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl) && configuration[TaxiiPublicBaseUrlAlias] is { Length: > 0 } taxii)
        {
            options.PublicBaseUrl = taxii;
        }
    }
}
