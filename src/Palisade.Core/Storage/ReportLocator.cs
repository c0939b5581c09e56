namespace Palisade.Core.Storage;

/// <summary>Where a stored report applies: its id and address, all a node needs to tell whether it has applied it.</summary>
public readonly record struct ReportLocator(long Id, string Address);
