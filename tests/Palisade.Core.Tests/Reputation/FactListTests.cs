using Palisade.Core.Reputation;
using Palisade.Core.Scoring;

namespace Palisade.Core.Tests.Reputation;

/// <summary>An address's facts: the first held inline, the others in an array (issue 15: one object fewer per address
/// reported once). Whatever the split, the list must read as one ordered list.</summary>
public sealed class FactListTests
{
    private static ReportFact Fact(long id)
        => new(id, 1, ReporterKind.Community, 1.0, 1 + (int)(id % 15), "ssh", (int)(id % 1000), null,
            new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(id), ReportSource.Local);

    [Fact]
    public void Adds_and_partial_purges_in_any_order_read_back_as_the_same_ordered_list_as_a_plain_list()
    {
        var random = new Random(15);
        for (var round = 0; round < 300; round++)
        {
            var facts = new FactList(random.Next(0, 4));
            var model = new List<ReportFact>();
            long next = 0;
            for (var step = 0; step < 40; step++)
            {
                if (random.Next(4) == 0)
                {
                    var modulus = random.Next(1, 4);
                    var residue = random.Next(modulus);
                    Predicate<ReportFact> match = f => f.ReportId % modulus == residue;
                    Assert.Equal(model.RemoveAll(match), facts.RemoveAll(match));
                }
                else
                {
                    var fact = Fact(++next);
                    facts.Add(fact);
                    model.Add(fact);
                }

                Assert.Equal(model.Count, facts.Count);
                var enumerated = new List<ReportFact>();
                foreach (var fact in facts)
                {
                    enumerated.Add(fact);
                }

                Assert.Equal(model, enumerated);
                Assert.Equal(model, facts.ToArray());
                Assert.Equal(model, facts.AsEnumerable());
                for (var i = 0; i < model.Count; i++)
                {
                    Assert.Equal(model[i], facts[i]);
                }

                Assert.Equal(model.Exists(f => f.ReportId == next), facts.Exists(f => f.ReportId == next));
            }
        }
    }

    [Fact]
    public void Reading_past_the_end_is_refused_whatever_the_array_holds()
    {
        var facts = new FactList(8);
        facts.Add(Fact(1));
        facts.Add(Fact(2));
        facts.RemoveAll(f => f.ReportId == 2);

        Assert.Equal(Fact(1), facts[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => facts[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => facts[-1]);

        facts.Clear();
        Assert.Equal(0, facts.Count);
        Assert.Empty(facts.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => facts[0]);
    }
}
