using System.Buffers;
using System.Collections.Concurrent;
using Palisade.Core.Addresses;
using Palisade.Core.Categories;
using Palisade.Core.Reputation;

namespace Palisade.Core.Stix;

/// <summary>Reads an address's evidence from the reputation index into an <see cref="IndicatorObservation"/>.</summary>
/// <remarks>
/// The publisher observes every reported address and, on each rescan, every address known. An address's labels and
/// techniques depend only on its set of distinct behaviours, and those sets are few (a few hundred for a million
/// indicators), so the texts are kept per set: an observation gathers the set into a pooled buffer, looks it up and
/// allocates nothing else. Building the texts per observation made a start-up at a million addresses spend 12-22 s of
/// CPU and 1,300-1,600 gen0 collections; with them kept, 7.5 s and 109 (docs/performance.md "Session 22").
/// </remarks>
public sealed class IndicatorObserver(ReputationIndex index, StixOptions options)
{
    // Texts per behaviour set, keyed by the set's hash and checked against the set itself. Bounded all the same: the
    // sets come from reports.
    private const int MaxSets = 100_000;
    private readonly ConcurrentDictionary<ulong, BehaviourTexts> _texts = new();

    /// <summary>The observation of an address, or null when the index does not hold it.</summary>
    public IndicatorObservation? Observe(AddressKey address)
        => index.Find(address) is { } entry ? Observe(entry) : null;

    public IndicatorObservation Observe(AddressReputation entry)
    {
        // The compact score (cached on the entry, shared with the blocklist build that scores the same changed addresses):
        // the explained one built a breakdown's text per address only to read its number and whitelist.
        var score = index.ScoreValue(entry);
        var whitelisted = index.WhitelistOf(entry) is not null;
        var buffer = ArrayPool<Behaviour>.Shared.Rent(16);
        try
        {
            var count = 0;
            DateTimeOffset lastSeen;
            lock (entry.Gate)
            {
                foreach (var fact in entry.Facts)
                {
                    count = AddDistinct(ref buffer, count, new Behaviour(fact.Protocol, fact.CategoryId));
                }

                lastSeen = entry.LastSeen;
            }

            var set = buffer.AsSpan(0, count);
            set.Sort();
            var texts = TextsOf(set);
            return new IndicatorObservation(score.Score, whitelisted, lastSeen, texts.Labels, texts.Techniques);
        }
        finally
        {
            ArrayPool<Behaviour>.Shared.Return(buffer, clearArray: true);
        }
    }

    private static int AddDistinct(ref Behaviour[] buffer, int count, Behaviour behaviour)
    {
        // Addresses have a handful of behaviours: a linear look beats hashing.
        if (buffer.AsSpan(0, count).Contains(behaviour))
        {
            return count;
        }

        if (count == buffer.Length)
        {
            var larger = ArrayPool<Behaviour>.Shared.Rent(count * 2);
            buffer.AsSpan(0, count).CopyTo(larger);
            ArrayPool<Behaviour>.Shared.Return(buffer, clearArray: true);
            buffer = larger;
        }

        buffer[count] = behaviour;
        return count + 1;
    }

    private BehaviourTexts TextsOf(ReadOnlySpan<Behaviour> set)
    {
        var hash = 14695981039346656037UL;
        foreach (var behaviour in set)
        {
            hash = (hash ^ (uint)behaviour.GetHashCode()) * 1099511628211UL;
        }

        if (_texts.TryGetValue(hash, out var known) && set.SequenceEqual(known.Set))
        {
            return known;
        }

        var texts = Describe(set.ToArray());
        if (_texts.Count < MaxSets)
        {
            _texts[hash] = texts;
        }

        return texts;
    }

    private BehaviourTexts Describe(Behaviour[] set)
    {
        // Behaviour names as the check response has them ("ssh:brute_force"); most severe first, then by name, so the
        // order only changes when the set does.
        var labels = set
            .Select(b => (Category: CategoryCatalog.Get(b.Category), b.Protocol))
            .Select(b => (b.Category.Severity, Name: b.Protocol is null ? b.Category.Name : $"{b.Protocol}:{b.Category.Name}"))
            .Distinct()
            .OrderByDescending(b => b.Severity).ThenBy(b => b.Name, StringComparer.Ordinal)
            .Take(options.MaxLabels)
            .Select(b => b.Name);
        var techniques = set
            .Select(b => b.Category).Distinct()
            .SelectMany(c => CategoryCatalog.Get(c).MitreTechniques)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return new BehaviourTexts(set, string.Join('\n', labels), string.Join('\n', techniques));
    }

    /// <summary>One behaviour of an address: a category, seen over a protocol or not. Ordered by category, then protocol.</summary>
    private readonly record struct Behaviour(string? Protocol, int Category) : IComparable<Behaviour>
    {
        public int CompareTo(Behaviour other)
        {
            var byCategory = Category.CompareTo(other.Category);
            return byCategory != 0 ? byCategory : string.CompareOrdinal(Protocol, other.Protocol);
        }
    }

    // A behaviour set and its texts; the texts are shared by every address with that set.
    private sealed record BehaviourTexts(Behaviour[] Set, string Labels, string Techniques);
}
