using Palisade.Core.Reports.Bulk;

namespace Palisade.Core.Tests.Reports.Bulk;

public sealed class Rfc4180ReaderTests
{
    private static List<CsvRecord> ReadAll(string text, char delimiter = ',')
    {
        var reader = new Rfc4180Reader(text, delimiter);
        var records = new List<CsvRecord>();
        while (reader.Next() is { } record)
        {
            records.Add(record);
        }

        return records;
    }

    [Fact]
    public void Quoted_fields_keep_delimiters_doubled_quotes_and_line_breaks()
    {
        var records = ReadAll("1.2.3.4,ssh,\"a, \"\"quoted\"\"\r\nsecond line\"\r\n5.6.7.8,ddos,,\n");
        Assert.Equal(2, records.Count);
        Assert.Equal(["1.2.3.4", "ssh", "a, \"quoted\"\r\nsecond line"], records[0].Fields);
        Assert.Equal(1, records[0].Line);
        Assert.Equal(3, records[1].Line);
        Assert.Equal(["5.6.7.8", "ddos", "", ""], records[1].Fields);
        Assert.All(records, r => Assert.Null(r.Error));
    }

    [Theory]
    [InlineData("a,b\nc,d\n")]
    [InlineData("a,b\r\nc,d\r\n")]
    [InlineData("a,b\rc,d")]
    [InlineData("a,b\nc,d")]
    public void Crlf_lf_and_cr_all_end_records_and_a_final_break_adds_no_record(string text)
    {
        var records = ReadAll(text);
        Assert.Equal(2, records.Count);
        Assert.Equal(["c", "d"], records[1].Fields);
        Assert.Equal(2, records[1].Line);
    }

    [Fact]
    public void A_stray_quote_costs_only_its_own_row()
    {
        var records = ReadAll("1.1.1.1,ssh\n2.2.2.2,ab\"c\n3.3.3.3,\"x\"y,z\n4.4.4.4,ddos\n");
        Assert.Equal(4, records.Count);
        Assert.Null(records[0].Error);
        Assert.Contains("quote inside unquoted field 2", records[1].Error);
        Assert.Equal("2.2.2.2", records[1].Fields[0]);
        Assert.Contains("after the closing quote", records[2].Error);
        Assert.Equal(4, records[3].Line);
        Assert.Null(records[3].Error);
    }

    [Fact]
    public void An_unterminated_quote_stops_reading_and_names_its_line()
    {
        var reader = new Rfc4180Reader("1.1.1.1,ssh\n2.2.2.2,\"never closed\n3.3.3.3,ddos\n", ',');
        Assert.NotNull(reader.Next());
        Assert.Null(reader.Next());
        Assert.Equal(2, reader.UnterminatedQuoteLine);
        Assert.Null(reader.Next());
    }

    [Theory]
    [InlineData("IP;Category;Comment\n1.2.3.4;ssh;\"a, b, c\"", ';')]
    [InlineData("IP,Category,Comment\n1.2.3.4,ssh,\"a; b; c\"", ',')]
    [InlineData("\n\n1.2.3.4;ssh,x;y", ';')]
    [InlineData("1.2.3.4", ',')]
    [InlineData("\"a;b;c\",d", ',')]
    public void Delimiter_is_what_the_first_line_uses_outside_quotes(string text, char expected)
        => Assert.Equal(expected, Rfc4180Reader.DetectDelimiter(text));
}
