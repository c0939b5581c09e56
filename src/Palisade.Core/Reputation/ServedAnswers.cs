using Palisade.Core.Addresses;

namespace Palisade.Core.Reputation;

/// <summary>
/// The answers a face serialized for default checks of IPv4 addresses, found again by the address alone: one slot per
/// address hash (direct-mapped, <see cref="Slots"/> slots; an address whose hash shares a slot replaces the answer there).
/// Each slot carries a change stamp that <see cref="ReputationIndex"/> bumps after anything an address of that slot
/// shows may have changed (a report applied, a purge, a withdrawal, a snapshot adopted). An answer is served while its
/// slot's stamp, the inputs version (whitelist, reporters) and the time it holds until are those it was made at.
/// </summary>
/// <remarks>
/// Why: a check of a known address otherwise follows eight references through memory that the other addresses' checks
/// have pushed out of the caches (the table's segment, hash and entry slots, the entry, its cached answer, the result,
/// the kept bytes, the bytes); from here it is the slot, the answer and the bytes (docs/performance.md "Session 31").
/// IPv6 answers are not kept here: they roll up the address's /64, which moves with other addresses' reports.
/// </remarks>
public sealed class ServedAnswers
{
    /// <summary>The number of slots: 16 bytes each (1 MB), an answer's object and bytes only where one is kept.</summary>
    public const int Slots = 1 << 16;

    private readonly Slot[] _slots = new Slot[Slots];

    private struct Slot
    {
        // Bumped (never reset) after a change to an address of this slot; an answer made before it no longer matches.
        public long Stamp;
        public Shelved? Answer;
    }

    private sealed class Shelved(AddressKey key, long stamp, long inputs, long untilTicks, object answer)
    {
        public readonly AddressKey Key = key;
        public readonly long Stamp = stamp;
        public readonly long Inputs = inputs;
        public readonly long UntilTicks = untilTicks;
        public readonly object Answer = answer;
    }

    /// <summary>Where an answer about to be made goes, and what it was made at: taken before the index is read, so a
    /// change applied while the answer is made leaves it unserved.</summary>
    public readonly struct Ticket
    {
        internal Ticket(AddressKey key, int slot, long stamp, long inputs)
        {
            Key = key;
            Slot = slot;
            Stamp = stamp;
            Inputs = inputs;
        }

        internal AddressKey Key { get; }

        // The slot plus one: the default ticket (0) is for an answer that is not kept here.
        internal int Slot { get; }

        internal long Stamp { get; }

        internal long Inputs { get; }

        /// <summary>False for an address whose answer is not kept here (IPv6, not public).</summary>
        public bool IsValid => Slot > 0;
    }

    private static int SlotOf(AddressKey key) => key.GetHashCode() & (Slots - 1);

    /// <summary>The answer kept for <paramref name="key"/> when it still holds, else null with the ticket to keep the
    /// one about to be made.</summary>
    internal object? Find(AddressKey key, long inputs, long nowTicks, out Ticket ticket)
    {
        var index = SlotOf(key);
        ref var slot = ref _slots[index];
        var shelved = Volatile.Read(ref slot.Answer);
        var stamp = Volatile.Read(ref slot.Stamp);
        if (shelved is not null && shelved.Stamp == stamp && shelved.Key == key && shelved.Inputs == inputs && nowTicks < shelved.UntilTicks)
        {
            ticket = default;
            return shelved.Answer;
        }

        ticket = new Ticket(key, index + 1, stamp, inputs);
        return null;
    }

    /// <summary>Keeps <paramref name="answer"/> under its ticket until <paramref name="untilTicks"/> (it is never served
    /// if the slot changed since the ticket was taken).</summary>
    internal void Keep(in Ticket ticket, long untilTicks, object answer)
    {
        if (ticket.IsValid)
        {
            Volatile.Write(ref _slots[ticket.Slot - 1].Answer, new Shelved(ticket.Key, ticket.Stamp, ticket.Inputs, untilTicks, answer));
        }
    }

    /// <summary>After a change to what <paramref name="key"/>'s answer shows: the answer kept for it is no longer served.</summary>
    internal void Changed(AddressKey key) => Interlocked.Increment(ref _slots[SlotOf(key)].Stamp);

    /// <summary>The change stamp of <paramref name="key"/>'s slot: it moves (never back) after any change to what the address
    /// shows, and sometimes after a change to another address of the slot.</summary>
    internal long StampOf(AddressKey key) => Volatile.Read(ref _slots[SlotOf(key)].Stamp);

    /// <summary>After a change to every address (the table replaced): no answer kept so far is served again.</summary>
    internal void ChangedAll()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            Interlocked.Increment(ref _slots[i].Stamp);
        }
    }
}
