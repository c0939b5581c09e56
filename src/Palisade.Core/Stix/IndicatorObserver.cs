using Palisade.Core.Categories;
using Palisade.Core.Reputation;

namespace Palisade.Core.Stix;

/// <summary>Reads an address's evidence from the reputation index into an <see cref="IndicatorObservation"/>.</summary>
public sealed class IndicatorObserver(ReputationIndex index, StixOptions options)
{
    // Label and technique lists repeat across addresses (a few hundred distinct ones for a million indicators): kept
    // once each instead of once per published head.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _texts = new(StringComparer.Ordinal);

    public IndicatorObservation? Observe(string address)
        => index.Find(address) is { } entry ? Observe(entry) : null;

    public IndicatorObservation Observe(AddressReputation entry)
    {
        // The compact score (cached on the entry, shared with the blocklist build that scores the same changed addresses):
        // the explained one built a breakdown's text per address only to read its number and whitelist.
        var score = index.ScoreValue(entry);
        var whitelisted = index.WhitelistOf(entry) is not null;
        var behaviours = new HashSet<(string? Protocol, int Category)>();
        DateTimeOffset lastSeen;
        lock (entry.Gate)
        {
            foreach (var fact in entry.Facts)
            {
                behaviours.Add((fact.Protocol, fact.CategoryId));
            }

            lastSeen = entry.LastSeen;
        }

        // Behaviour names as the check response has them ("ssh:brute_force"); most severe first, then by name, so the
        // order only changes when the set does.
        var labels = behaviours
            .Select(b => (Category: CategoryCatalog.Get(b.Category), b.Protocol))
            .Select(b => (b.Category.Severity, Name: b.Protocol is null ? b.Category.Name : $"{b.Protocol}:{b.Category.Name}"))
            .Distinct()
            .OrderByDescending(b => b.Severity).ThenBy(b => b.Name, StringComparer.Ordinal)
            .Take(options.MaxLabels)
            .Select(b => b.Name);
        var techniques = behaviours
            .Select(b => b.Category).Distinct()
            .SelectMany(c => CategoryCatalog.Get(c).MitreTechniques)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return new IndicatorObservation(entry.Address, score.Score, whitelisted, lastSeen,
            Intern(string.Join('\n', labels)), Intern(string.Join('\n', techniques)));
    }

    private string Intern(string text) => _texts.Count < 100_000 ? _texts.GetOrAdd(text, text) : text;
}
