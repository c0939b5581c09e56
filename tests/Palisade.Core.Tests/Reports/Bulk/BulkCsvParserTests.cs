using System.Text;
using Palisade.Core.Reports.Bulk;

namespace Palisade.Core.Tests.Reports.Bulk;

public sealed class BulkCsvParserTests
{
    private static BulkParseResult Parse(string text) => BulkCsvParser.Parse(Encoding.UTF8.GetBytes(text), null);

    [Fact]
    public void Header_is_detected_and_rows_are_numbered_as_lines_in_the_file()
    {
        var result = Parse("IP,Category,Protocol,Comment\n45.33.32.1,brute_force,ssh,Attack attempt\n\n45.33.32.2,3,,\n");
        Assert.Equal(BulkParseFailure.None, result.Failure);
        Assert.Equal(2, result.Rows.Count);
        Assert.Equal(2, result.Rows[0].Row);
        Assert.Equal(4, result.Rows[1].Row);
        var first = result.Rows[0].Submission!;
        Assert.Equal("45.33.32.1", first.Ip);
        Assert.Equal("ssh", first.Protocol);
        Assert.Equal("Attack attempt", first.Comment);
        Assert.Equal([3], result.Rows[1].Submission!.Categories);
        Assert.Null(result.Rows[1].Submission!.Protocol);
    }

    [Fact]
    public void Without_a_header_the_first_line_is_row_1_and_columns_are_positional()
    {
        var result = Parse("45.33.32.1,brute_force\n45.33.32.2,port_scan,http,\"comment, with comma\"\n");
        Assert.Equal([1, 2], result.Rows.Select(r => r.Row));
        Assert.Equal("comment, with comma", result.Rows[1].Submission!.Comment);
    }

    [Fact]
    public void Semicolons_bom_and_crlf_are_handled()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("ip;category;protocol;comment\r\n45.33.32.1;ddos;http;a, b\r\n")).ToArray();
        var result = BulkCsvParser.Parse(bytes, null);
        var row = Assert.Single(result.Rows);
        Assert.Equal("a, b", row.Submission!.Comment);
        Assert.Equal(2, row.Row);
    }

    [Fact]
    public void A_header_may_reorder_columns_and_add_port_username_and_timestamp()
    {
        var result = Parse("Category,Comment,IP Address,port,username,timestamp\nbrute_force|port_scan,hi,45.33.32.1,22,root,1700000000\n");
        var submission = Assert.Single(result.Rows).Submission!;
        Assert.Equal("45.33.32.1", submission.Ip);
        Assert.Equal(22, submission.Port);
        Assert.Equal("root", submission.Username);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), submission.Timestamp);
        Assert.Equal(2, submission.Categories.Count);
    }

    [Theory]
    [InlineData("45.33.32.1,nonsense", "Unknown category 'nonsense'")]
    [InlineData("45.33.32.1,", "Missing category")]
    [InlineData(",ddos", "Missing IP")]
    [InlineData("45.33.32.1,ddos,ssh,comment,extra", "5 fields")]
    [InlineData("45.33.32.1,ddos,ssh,bad\"quote", "quote inside unquoted")]
    public void Bad_rows_carry_an_error_and_their_row_number(string line, string expected)
    {
        var result = Parse("45.33.32.9,ddos\n" + line + "\n45.33.32.8,ddos\n");
        Assert.Equal(3, result.Rows.Count);
        Assert.Null(result.Rows[0].Error);
        Assert.Equal(2, result.Rows[1].Row);
        Assert.Null(result.Rows[1].Submission);
        Assert.Contains(expected, result.Rows[1].Error);
        Assert.NotNull(result.Rows[2].Submission);
    }

    [Theory]
    [InlineData("IP,Category,Colour\n45.33.32.1,ddos,red", "Unknown column 'Colour'")]
    [InlineData("IP,IP,Category\n", "appears twice")]
    [InlineData("IP,Protocol\n", "no Category column")]
    [InlineData("45.33.32.1,ddos\n45.33.32.2,\"open\n", "line 2 is never closed")]
    public void Unreadable_files_are_refused_whole(string text, string expected)
    {
        var result = Parse(text);
        Assert.Equal(BulkParseFailure.Malformed, result.Failure);
        Assert.Contains(expected, result.Error);
        Assert.Empty(result.Rows);
    }

    [Theory]
    [InlineData(new byte[] { 0x31, 0x2C, 0x00, 0x32 })]
    [InlineData(new byte[] { 0x31, 0x2C, 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xFF, 0xFE, 0x31, 0x00 })]
    public void Binary_data_is_refused_whole(byte[] bytes)
    {
        var result = BulkCsvParser.Parse(bytes, null);
        Assert.Equal(BulkParseFailure.Malformed, result.Failure);
        Assert.Contains("UTF", result.Error);
    }

    [Fact]
    public void Ten_thousand_rows_pass_and_ten_thousand_and_one_are_too_many()
    {
        var builder = new StringBuilder("IP,Category\n");
        for (var i = 0; i < BulkLimits.MaxRows; i++)
        {
            builder.Append("45.33.").Append(i / 256).Append('.').Append(i % 256).Append(",ddos\n");
        }

        builder.Append("\n\n");
        Assert.Equal(BulkLimits.MaxRows, Parse(builder.ToString()).Rows.Count);
        builder.Append("45.34.0.1,ddos\n");
        var tooMany = Parse(builder.ToString());
        Assert.Equal(BulkParseFailure.TooLarge, tooMany.Failure);
        Assert.Contains("10,000 rows", tooMany.Error);
    }

    [Fact]
    public void A_two_megabyte_single_line_is_one_bad_row_and_is_not_echoed_back()
    {
        var line = new string('x', BulkLimits.MaxFileBytes - 10);
        var result = Parse(line);
        var row = Assert.Single(result.Rows);
        Assert.Null(row.Submission);
        Assert.True(row.Ip.Length <= BulkLimits.MaxEchoedLength + 1);
        Assert.True(row.Error!.Length < 200);

        var tooBig = BulkCsvParser.Parse(new byte[BulkLimits.MaxFileBytes + 1], null);
        Assert.Equal(BulkParseFailure.TooLarge, tooBig.Failure);
        Assert.Contains("2 MB", tooBig.Error);
    }
}
