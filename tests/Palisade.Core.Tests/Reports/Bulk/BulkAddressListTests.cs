using System.Text;
using Palisade.Core.Reports.Bulk;

namespace Palisade.Core.Tests.Reports.Bulk;

public sealed class BulkAddressListTests
{
    private static BulkAddressList Parse(string text) => BulkAddressList.Parse(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void Header_blank_lines_crlf_and_csv_columns_are_tolerated()
    {
        var list = Parse("ip\r\n1.2.3.4\r\n\r\n  8.8.8.8  \r\n# a comment\r\n2001:DB8::1,found\n::ffff:9.9.9.9;x\n");
        Assert.Equal(BulkParseFailure.None, list.Failure);
        Assert.Equal(["1.2.3.4", "8.8.8.8", "2001:db8::1", "9.9.9.9"], list.Addresses.Select(a => a.Text));
    }

    [Fact]
    public void Bad_lines_refuse_the_request_and_are_named_by_line()
    {
        var list = Parse("1.2.3.4\n999.1.1.1\n\nhello\n10.0.0.0/8\n");
        Assert.Equal(BulkParseFailure.Malformed, list.Failure);
        Assert.Contains("Line 2: '999.1.1.1'", list.Error);
        Assert.Contains("line 4: 'hello'", list.Error);
        Assert.Contains("line 5: '10.0.0.0/8' is a network", list.Error);
    }

    [Fact]
    public void At_most_ten_thousand_addresses()
    {
        var builder = new StringBuilder();
        for (var i = 0; i < BulkLimits.MaxAddresses; i++)
        {
            builder.Append("45.33.").Append(i / 256).Append('.').Append(i % 256).Append('\n');
        }

        Assert.Equal(BulkLimits.MaxAddresses, Parse(builder.ToString()).Addresses.Count);
        builder.Append("45.34.0.1\n");
        var tooMany = Parse(builder.ToString());
        Assert.Equal(BulkParseFailure.TooLarge, tooMany.Failure);
        Assert.Contains("10,000", tooMany.Error);
    }

    [Fact]
    public void Binary_bodies_are_refused()
        => Assert.Equal(BulkParseFailure.Malformed, BulkAddressList.Parse([0x31, 0x00, 0x0A]).Failure);
}
