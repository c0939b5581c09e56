using Palisade.Core.Reports;

namespace Palisade.Core.Tests.Reports;

public sealed class CommentScrubberTests
{
    [Theory]
    [InlineData(null, null, null)]
    [InlineData("", null, "")]
    [InlineData("SSH brute force, 40 attempts", null, "SSH brute force, 40 attempts")]
    [InlineData("contact abuse@example.com now", null, "contact [email] now")]
    [InlineData("a.b+tag@mail.example.co.uk, second: x_y@sub.example.org.", null, "[email], second: [email].")]
    [InlineData("login as root@203.0.113.5", null, "login as root@203.0.113.5")]
    [InlineData("user@localhost is not an address", null, "user@localhost is not an address")]
    [InlineData("seen by 198.51.100.7 on port 22", "198.51.100.7", "seen by [reporter] on port 22")]
    [InlineData("seen by 198.51.100.7.", "198.51.100.7", "seen by [reporter].")]
    [InlineData("from 198.51.100.7:22 to 198.51.100.70", "198.51.100.7", "from [reporter]:22 to 198.51.100.70")]
    [InlineData("1.198.51.100.7 and 198.51.100.77", "198.51.100.7", "1.198.51.100.7 and 198.51.100.77")]
    [InlineData("mapped ::ffff:198.51.100.7 too", "198.51.100.7", "mapped [reporter] too")]
    [InlineData("sensor 2001:DB8:0:0::1 saw it", "2001:db8::1", "sensor [reporter] saw it")]
    [InlineData("sensor [2001:db8::1]:2222 saw it", "2001:db8::1", "sensor [[reporter]]:2222 saw it")]
    [InlineData("attacker 2001:db8::2 hit 2001:db8::1", "2001:db8::1", "attacker 2001:db8::2 hit [reporter]")]
    [InlineData("at 12:30 from 198.51.100.7", "::ffff:198.51.100.7", "at 12:30 from [reporter]")]
    [InlineData("198.51.100.7 then 198.51.100.7:22, not 198.51.100.70 or port 1024.", "198.51.100.7", "[reporter] then [reporter]:22, not 198.51.100.70 or port 1024.")]
    [InlineData("no separator in 1024 or abc", "198.51.100.7", "no separator in 1024 or abc")]
    [InlineData("me@example.com on 198.51.100.7", "198.51.100.7", "[email] on [reporter]")]
    [InlineData("seen by 198.51.100.7", "not an address", "seen by 198.51.100.7")]
    [InlineData("seen by 198.51.100.7", "", "seen by 198.51.100.7")]
    [InlineData("GET /reset?user=jane.doe%40example.org HTTP/1.1", null, "GET /reset?user=[email] HTTP/1.1")]
    [InlineData("mail jane\uFF20example.org or bob\uFE6Bexample.net", null, "mail [email] or [email]")]
    [InlineData("From: \"Jane Doe\" <jane@example.org> sent it", null, "From: [email] sent it")]
    [InlineData("From: Jane Doe <jane@example.org>", null, "From: [email]")]
    [InlineData("to \"x\"<j.d+1@mail.example.co.uk>, cc ops@example.com", null, "to [email], cc [email]")]
    public void Scrubs(string? comment, string? reporter, string? expected)
        => Assert.Equal(expected, CommentScrubber.Scrub(comment, reporter));

    [Fact]
    public void Long_hostile_input_is_handled_quickly()
    {
        var comment = string.Concat(Enumerable.Repeat("a.a.a.a.a@", 200)) + new string(':', 1000) + new string('1', 1000);
        var scrubbed = CommentScrubber.Scrub(comment, "198.51.100.7");
        Assert.NotNull(scrubbed);
    }
}
