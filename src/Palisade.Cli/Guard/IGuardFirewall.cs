namespace Palisade.Cli.Guard;

/// <summary>The firewall side of the guard: one implementation per tool, each feeding scripts to the real binary.</summary>
internal interface IGuardFirewall
{
    /// <summary>What the sets are called, for messages ("ipset palisade-v4/palisade-v6").</summary>
    string Describe { get; }

    /// <summary>Whether both sets exist (after a reboot they are gone and a full sync is due, whatever the state file says).</summary>
    Task<bool> SetsExistAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the contents of both sets at once; the live sets never hold a partial list.</summary>
    Task ReplaceAsync(IReadOnlyCollection<string> addresses, CancellationToken cancellationToken);

    /// <summary>Adds and removes single addresses. <paramref name="remove"/> holds only addresses known to be in the sets.</summary>
    Task ApplyAsync(IReadOnlyCollection<string> add, IReadOnlyCollection<string> remove, CancellationToken cancellationToken);
}
