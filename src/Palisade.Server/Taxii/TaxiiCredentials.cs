using Microsoft.AspNetCore.Http;
using Palisade.Server.Access;

namespace Palisade.Server.Taxii;

/// <summary>
/// The API key of a TAXII request. HTTP Basic, which TAXII makes mandatory and SIEM connectors send: the password is
/// the key, the user name anything (a key in the user name with an empty password works too). Otherwise every form
/// the other faces accept, Bearer first (SikkerAPI's CLI, Elastic).
/// </summary>
public static class TaxiiCredentials
{
    public static string? Read(HttpRequest request) => ApiKeyReader.Read(request);

    /// <summary>Whether the request carries credentials at all.</summary>
    public static bool Present(HttpRequest request) => !string.IsNullOrEmpty(Read(request));
}
