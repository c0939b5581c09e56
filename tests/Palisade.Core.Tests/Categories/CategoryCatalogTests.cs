using Palisade.Core.Categories;

namespace Palisade.Core.Tests.Categories;

public sealed class CategoryCatalogTests
{
    [Fact]
    public void Native_has_the_16_sikkerapi_categories_in_order()
    {
        string[] names =
        [
            "brute_force", "port_scan", "ddos", "web_exploit", "sql_injection", "phishing", "spam", "bad_bot",
            "exploited_host", "malware", "dns_abuse", "open_proxy", "iot_targeted", "spoofing", "fraud", "other",
        ];
        Assert.Equal(16, CategoryCatalog.Native.Count);
        for (var i = 0; i < names.Length; i++)
        {
            Assert.Equal(i + 1, CategoryCatalog.Native[i].Id);
            Assert.Equal(names[i], CategoryCatalog.Native[i].Name);
            Assert.Same(CategoryCatalog.Native[i], CategoryCatalog.Get(i + 1));
            Assert.False(string.IsNullOrWhiteSpace(CategoryCatalog.Native[i].Description));
        }
    }

    [Theory]
    [InlineData("brute_force", Severity.High, "T1110")]
    [InlineData("port_scan", Severity.Low, "T1595.001")]
    [InlineData("web_exploit", Severity.High, "T1190")]
    [InlineData("exploited_host", Severity.VeryHigh, "T1584")]
    [InlineData("malware", Severity.VeryHigh, "T1105")]
    [InlineData("fraud", Severity.Medium, "T1657")]
    [InlineData("open_proxy", Severity.Medium, "T1090")]
    public void Severity_and_mitre(string name, Severity severity, string technique)
    {
        Assert.True(CategoryCatalog.TryResolve(name, out var category));
        Assert.Equal(severity, category.Severity);
        Assert.Contains(technique, category.MitreTechniques);
    }

    [Fact]
    public void Every_category_but_other_has_a_mitre_technique()
    {
        foreach (var category in CategoryCatalog.Native)
        {
            Assert.Equal(category.Name == "other", category.MitreTechniques.Count == 0);
            foreach (var technique in category.MitreTechniques)
            {
                Assert.Matches(@"^T\d{4}(\.\d{3})?$", technique);
            }
        }
    }

    [Theory]
    [InlineData("brute_force", 1)]
    [InlineData("BRUTE_FORCE", 1)]
    [InlineData("Brute-Force", 1)]
    [InlineData("sql-injection", 5)]
    [InlineData("other", 16)]
    [InlineData("1", 1)]
    [InlineData("9", 9)]
    [InlineData("10", 10)]
    [InlineData("16", 16)]
    public void Resolves_by_name_or_id(string text, int id)
    {
        Assert.True(CategoryCatalog.TryResolve(text, out var category));
        Assert.Equal(id, category.Id);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("17")]
    [InlineData("01")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1a")]
    [InlineData("100")]
    [InlineData("bruteforce")]
    [InlineData("brute force")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_unknown(string? text)
        => Assert.False(CategoryCatalog.TryResolve(text, out _));

    [Fact]
    public void Get_refuses_out_of_range()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CategoryCatalog.Get(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CategoryCatalog.Get(17));
    }

    [Fact]
    public void Every_abuseipdb_id_maps_to_a_native_category()
    {
        Assert.Equal(23, CategoryCatalog.AbuseIpdb.Count);
        for (var id = 1; id <= 23; id++)
        {
            Assert.Equal(id, CategoryCatalog.AbuseIpdb[id - 1].Id);
            Assert.True(CategoryCatalog.TryFromAbuseIpdb(id, out var category), $"AbuseIPDB {id} unmapped");
            Assert.Equal(CategoryCatalog.AbuseIpdb[id - 1].NativeId, category.Id);
        }

        Assert.False(CategoryCatalog.TryFromAbuseIpdb(0, out _));
        Assert.False(CategoryCatalog.TryFromAbuseIpdb(24, out _));
    }

    [Fact]
    public void Every_reportedip_id_maps_to_a_native_category_and_1_to_23_equal_abuseipdb()
    {
        Assert.Equal(58, CategoryCatalog.ReportedIp.Count);
        for (var id = 1; id <= 58; id++)
        {
            Assert.Equal(id, CategoryCatalog.ReportedIp[id - 1].Id);
            Assert.False(string.IsNullOrWhiteSpace(CategoryCatalog.ReportedIp[id - 1].Name));
            Assert.True(CategoryCatalog.TryFromReportedIp(id, out var category), $"ReportedIP {id} unmapped");
            if (id <= 23)
            {
                Assert.True(CategoryCatalog.TryFromAbuseIpdb(id, out var abuse));
                Assert.Same(abuse, category);
                Assert.Equal(CategoryCatalog.AbuseIpdb[id - 1].Name, CategoryCatalog.ReportedIp[id - 1].Name);
            }
        }

        Assert.False(CategoryCatalog.TryFromReportedIp(0, out _));
        Assert.False(CategoryCatalog.TryFromReportedIp(59, out _));
    }

    [Theory]
    [InlineData(18, "brute_force")]
    [InlineData(22, "brute_force")]
    [InlineData(14, "port_scan")]
    [InlineData(4, "ddos")]
    [InlineData(21, "web_exploit")]
    [InlineData(16, "sql_injection")]
    [InlineData(11, "spam")]
    [InlineData(13, "open_proxy")]
    [InlineData(20, "exploited_host")]
    [InlineData(23, "iot_targeted")]
    public void Abuseipdb_examples(int id, string native)
    {
        Assert.True(CategoryCatalog.TryFromAbuseIpdb(id, out var category));
        Assert.Equal(native, category.Name);
    }

    [Theory]
    [InlineData(31, "brute_force")]
    [InlineData(44, "web_exploit")]
    [InlineData(49, "bad_bot")]
    [InlineData(51, "ddos")]
    [InlineData(53, "spam")]
    [InlineData(56, "port_scan")]
    [InlineData(24, "malware")]
    public void Reportedip_examples(int id, string native)
    {
        Assert.True(CategoryCatalog.TryFromReportedIp(id, out var category));
        Assert.Equal(native, category.Name);
    }

    [Theory]
    [InlineData(1, 18)]
    [InlineData(2, 14)]
    [InlineData(3, 4)]
    [InlineData(4, 21)]
    [InlineData(5, 16)]
    [InlineData(6, 7)]
    [InlineData(7, 11)]
    [InlineData(8, 19)]
    [InlineData(9, 20)]
    [InlineData(10, 20)]
    [InlineData(11, 1)]
    [InlineData(12, 9)]
    [InlineData(13, 23)]
    [InlineData(14, 17)]
    [InlineData(15, 3)]
    [InlineData(16, 15)]
    public void Native_to_abuseipdb_and_reportedip(int native, int abuseIpdb)
    {
        Assert.Equal(abuseIpdb, CategoryCatalog.ToAbuseIpdb(native));
        Assert.Equal(abuseIpdb, CategoryCatalog.ToReportedIp(native));
    }

    [Fact]
    public void Preferred_abuseipdb_id_maps_back_to_the_same_native_category_except_malware()
    {
        foreach (var category in CategoryCatalog.Native)
        {
            Assert.True(CategoryCatalog.TryFromAbuseIpdb(CategoryCatalog.ToAbuseIpdb(category.Id), out var back));
            if (category.Id != CategoryCatalog.Malware)
            {
                Assert.Same(category, back);
            }
        }
    }

    [Theory]
    [InlineData(Severity.Info, "info")]
    [InlineData(Severity.Low, "low")]
    [InlineData(Severity.Medium, "medium")]
    [InlineData(Severity.High, "high")]
    [InlineData(Severity.VeryHigh, "very_high")]
    public void Severity_names_round_trip(Severity severity, string name)
    {
        Assert.Equal(name, CategoryCatalog.SeverityName(severity));
        Assert.True(CategoryCatalog.TryParseSeverity(name, out var parsed));
        Assert.Equal(severity, parsed);
        Assert.True(CategoryCatalog.TryParseSeverity(name.ToUpperInvariant(), out parsed));
        Assert.Equal(severity, parsed);
    }

    [Fact]
    public void Critical_is_very_high()
    {
        Assert.True(CategoryCatalog.TryParseSeverity("critical", out var severity));
        Assert.Equal(Severity.VeryHigh, severity);
    }

    [Theory]
    [InlineData("veryhigh")]
    [InlineData("5")]
    [InlineData("")]
    [InlineData(null)]
    public void Refuses_unknown_severity(string? text) => Assert.False(CategoryCatalog.TryParseSeverity(text, out _));

    [Fact]
    public void Documented_table_lists_every_foreign_id()
    {
        var path = FindRepoFile("docs/categories.md");
        var text = File.ReadAllText(path);
        foreach (var foreign in CategoryCatalog.ReportedIp)
        {
            var native = CategoryCatalog.Get(foreign.NativeId);
            Assert.Contains($"| {foreign.Id} | {foreign.Name} |", text, StringComparison.Ordinal);
            Assert.Matches($@"\| {foreign.Id} \| [^\n]*\| {native.Id} `{native.Name}` \|", text);
        }
    }

    private static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(relative);
    }
}
