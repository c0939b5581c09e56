using Palisade.Core.Categories;
using Palisade.Core.Sensors;

namespace Palisade.Core.Tests.Sensors;

public sealed class SensorRuleTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private static SensorEvent Http(string path, string method = "GET") => new("45.33.1.1", "http", 80, SensorEventKind.HttpRequest, Now, Method: method, Path: path);

    [Theory]
    [InlineData("/.env", "web_exploit")]
    [InlineData("/wp-login.php", "web_exploit")]
    [InlineData("/cgi-bin/test.cgi", "web_exploit")]
    [InlineData("/static/../../etc/passwd", "web_exploit")]
    [InlineData("/x?q=%24%7Bjndi:ldap://a/b%7D", "web_exploit")]
    [InlineData("/boaform/admin/formLogin", "iot_targeted")]
    [InlineData("/GponForm/diag_Form?images/", "iot_targeted")]
    [InlineData("/cgi-bin/luci/;stok=/locale", "iot_targeted")]
    [InlineData("/HNAP1/", "iot_targeted")]
    [InlineData("/item?id=1+UNION+SELECT+1,2", "sql_injection")]
    [InlineData("/item?id=1%27%20or%201=1", "sql_injection")]
    [InlineData("/", "port_scan")]
    [InlineData("/favicon.ico", "port_scan")]
    [InlineData("/bad%zz", "port_scan")]
    public void Http_paths_are_classified_by_the_table(string path, string category)
        => Assert.Equal(category, CategoryCatalog.Get(SensorRuleTable.Classify(Http(path)).Category).Name);

    [Theory]
    [InlineData("ssh")]
    [InlineData("telnet")]
    [InlineData("ftp")]
    [InlineData("smtp")]
    [InlineData("http")]
    public void Every_login_attempt_is_brute_force(string protocol)
    {
        var rule = SensorRuleTable.Classify(new SensorEvent("45.33.1.1", protocol, 22, SensorEventKind.Login, Now, Username: "root", Path: "/.env"));
        Assert.Equal("brute_force", CategoryCatalog.Get(rule.Category).Name);
        Assert.Same(SensorRuleTable.Login, rule);
    }

    [Fact]
    public void A_connection_without_payload_and_a_bare_probe_are_port_scans_and_relaying_is_spam()
    {
        Assert.Equal("port_scan", CategoryCatalog.Get(SensorRuleTable.Classify(new SensorEvent("45.33.1.1", "ssh", 22, SensorEventKind.Connect, Now)).Category).Name);
        Assert.Equal("port_scan", CategoryCatalog.Get(SensorRuleTable.Classify(new SensorEvent("45.33.1.1", "smtp", 25, SensorEventKind.Probe, Now)).Category).Name);
        Assert.Equal("spam", CategoryCatalog.Get(SensorRuleTable.Classify(new SensorEvent("45.33.1.1", "smtp", 25, SensorEventKind.MailRelay, Now)).Category).Name);
    }

    [Fact]
    public void Every_rule_names_an_existing_category_and_is_listed_once()
    {
        Assert.All(SensorRuleTable.Rules, r => Assert.True(CategoryCatalog.TryGet(r.Category, out _)));
        Assert.Equal(SensorRuleTable.Rules.Count, SensorRuleTable.Rules.Select(r => r.Name).Distinct().Count());
    }
}

public sealed class IpSwampAttackTypesTests
{
    [Theory]
    [InlineData("SSH_BRUTEFORCE", "brute_force", "ssh")]
    [InlineData("AUTHENTICATION_BREACH", "brute_force", null)]
    [InlineData("PORT_SCAN", "port_scan", null)]
    [InlineData("SQLI_ATTEMPT", "sql_injection", "http")]
    [InlineData("PATH_TRAVERSAL", "web_exploit", "http")]
    [InlineData("MAIL_SPAM", "spam", "smtp")]
    [InlineData("HTTP_FLOOD", "ddos", "http")]
    [InlineData("ftp_bruteforce", "brute_force", "ftp")]
    [InlineData("smtp_relay_attempt", "spam", "smtp")]
    [InlineData("mysql_scan", "port_scan", "mysql")]
    [InlineData("something_new", "other", null)]
    public void Ipswamp_attack_types_map_to_native_categories_and_protocols(string type, string category, string? protocol)
    {
        var mapped = IpSwampAttackTypes.Map(type);
        Assert.Equal(category, Palisade.Core.Categories.CategoryCatalog.Get(mapped.Category).Name);
        Assert.Equal(protocol, mapped.Protocol);
    }
}
