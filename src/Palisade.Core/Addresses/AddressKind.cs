namespace Palisade.Core.Addresses;

/// <summary>Why an address is or is not publicly routable. Only <see cref="Public"/> addresses may be reported or scored.</summary>
public enum AddressKind
{
    Public,
    Private,
    Loopback,
    LinkLocal,
    Multicast,
    Reserved,
    Documentation,
    Unspecified,
}
