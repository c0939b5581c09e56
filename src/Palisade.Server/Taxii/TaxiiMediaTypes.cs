namespace Palisade.Server.Taxii;

/// <summary>
/// TAXII media types and lenient <c>Accept</c> negotiation: a missing header, <c>*/*</c>, <c>application/*</c> and
/// <c>application/taxii+json</c> with or without <c>version=2.1</c> (spaces and q-values tolerated) are accepted;
/// only foreign types or another TAXII version are refused (406). SikkerAPI's paths also accept
/// <c>application/json</c>, which its client always sends.
/// </summary>
public static class TaxiiMediaTypes
{
    /// <summary>Every TAXII response carries exactly this Content-Type, error bodies included.</summary>
    public const string Taxii = "application/taxii+json;version=2.1";

    public const string Stix = "application/stix+json;version=2.1";

    /// <returns>null when acceptable, else why not.</returns>
    public static string? Refusal(string? accept, bool allowPlainJson)
    {
        if (string.IsNullOrWhiteSpace(accept))
        {
            return null;
        }

        string? otherVersion = null;
        foreach (var range in accept.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = range.Split(';', StringSplitOptions.TrimEntries);
            var type = parts[0].ToLowerInvariant();
            string? version = null;
            var excluded = false;
            foreach (var parameter in parts.AsSpan(1))
            {
                var equals = parameter.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    continue;
                }

                var name = parameter[..equals].Trim().ToLowerInvariant();
                var value = parameter[(equals + 1)..].Trim().Trim('"');
                if (name == "version")
                {
                    version = value;
                }
                else if (name == "q" && double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var q) && q <= 0)
                {
                    excluded = true;
                }
            }

            if (excluded)
            {
                continue;
            }

            switch (type)
            {
                case "*/*" or "application/*":
                    return null;
                case "application/taxii+json" when version is null or "2.1":
                    return null;
                case "application/taxii+json":
                    otherVersion = version;
                    break;
                case "application/json" when allowPlainJson:
                    return null;
            }
        }

        return otherVersion is not null
            ? $"The server does not support TAXII version {otherVersion}; it serves {Taxii}."
            : $"None of the media types in the Accept header can be served; ask for {Taxii}.";
    }
}
