using Palisade.Core.Quotas;

namespace Palisade.Core.Tests.Quotas;

/// <summary>The single-node attempt limiter (the Redis one runs the same HTTP tests on the PostgreSQL + Redis pass).</summary>
public sealed class InMemoryAttemptLimiterTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static AttemptLimit Network(int limit = 10) => new("n:net", limit, Window, LocksOut: true);

    private static AttemptLimit Account(string account, int limit = 10) => new("a:" + account, limit, Window, LocksOut: true, ForgetOnSuccess: true);

    [Fact]
    public async Task An_attempt_refused_by_one_limit_takes_no_place_on_the_others()
    {
        var limiter = new InMemoryAttemptLimiter();
        Assert.Null(await limiter.TryBeginAsync("first", [Network(), Account("alice", limit: 1)], Now));
        await limiter.EndAsync("first", [Network(), Account("alice", limit: 1)], AttemptOutcome.Failed, Now);

        // Alice is locked out; these refusals must not spend the network's places.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(Window, await limiter.TryBeginAsync("alice" + i, [Network(), Account("alice", limit: 1)], Now));
        }

        var allowed = 0;
        for (var i = 0; i < 20; i++)
        {
            if (await limiter.TryBeginAsync("other" + i, [Network(), Account("user" + i)], Now) is null)
            {
                allowed++;
            }
        }

        Assert.Equal(9, allowed);
    }

    [Fact]
    public async Task Abandoned_and_succeeded_attempts_give_their_place_back_and_a_pending_one_holds_it_for_the_window()
    {
        var limiter = new InMemoryAttemptLimiter();
        AttemptLimit[] limits = [new("signup:net", 2, Window)];
        Assert.Null(await limiter.TryBeginAsync("a", limits, Now));
        Assert.Null(await limiter.TryBeginAsync("b", limits, Now));
        Assert.Equal(Window, await limiter.TryBeginAsync("c", limits, Now));

        await limiter.EndAsync("a", limits, AttemptOutcome.Abandoned, Now);
        Assert.Null(await limiter.TryBeginAsync("d", limits, Now));
        await limiter.EndAsync("d", limits, AttemptOutcome.Succeeded, Now);
        Assert.Null(await limiter.TryBeginAsync("e", limits, Now));

        // "b" and "e" were never ended: they hold their places until the window has passed, not a moment less.
        Assert.Equal(TimeSpan.FromSeconds(1), await limiter.TryBeginAsync("f", limits, Now + Window - TimeSpan.FromSeconds(1)));
        Assert.Null(await limiter.TryBeginAsync("g", limits, Now + Window));
    }

    [Fact]
    public async Task Lockouts_double_within_a_day_up_to_a_day_and_a_success_forgets_the_account()
    {
        var limiter = new InMemoryAttemptLimiter();
        var time = Now;
        async Task<TimeSpan?> FailTwiceAsync()
        {
            for (var i = 0; i < 2; i++)
            {
                var id = Guid.NewGuid().ToString();
                Assert.Null(await limiter.TryBeginAsync(id, [Account("bob", limit: 2)], time));
                await limiter.EndAsync(id, [Account("bob", limit: 2)], AttemptOutcome.Failed, time);
            }

            return await limiter.TryBeginAsync("probe", [Account("bob", limit: 2)], time);
        }

        var expected = Window;
        for (var strike = 1; strike <= 8; strike++)
        {
            Assert.Equal(expected, await FailTwiceAsync());
            time += expected;
            expected = expected * 2 < TimeSpan.FromDays(1) ? expected * 2 : TimeSpan.FromDays(1);
        }

        Assert.Null(await limiter.TryBeginAsync("right", [Account("bob", limit: 2)], time));
        await limiter.EndAsync("right", [Account("bob", limit: 2)], AttemptOutcome.Succeeded, time);
        Assert.Equal(Window, await FailTwiceAsync());
    }
}
