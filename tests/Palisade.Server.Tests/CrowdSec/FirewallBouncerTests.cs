using System.Diagnostics;
using Palisade.Server.Tests.Infrastructure;

namespace Palisade.Server.Tests.CrowdSec;

/// <summary>
/// Debian's real <c>crowdsec-firewall-bouncer</c>, configured with Palisade's URL and a key, loads Palisade's decisions
/// into its nftables set. Everything runs inside <c>unshare -n</c> (a private network namespace with its own firewall):
/// the real <c>palisade</c> command serves on the namespace's loopback, a sensor reports, the bouncer pulls.
/// </summary>
public sealed class FirewallBouncerTests
{
    private const string Script = """
        set -u
        T=$1; DLL=$2
        ip link set lo up
        cd "$T"
        URL=http://127.0.0.1:18089
        dotnet "$DLL" keys create --data "$T/data" --tier honeypot --name sensor > sensor.key
        dotnet "$DLL" keys create --data "$T/data" --tier professional --name bouncer > bouncer.key
        dotnet "$DLL" serve --urls $URL --data "$T/data" > serve.log 2>&1 &
        SERVE=$!
        for i in $(seq 1 150); do curl -fs $URL/healthz >/dev/null && break; sleep 0.2; done
        report() {
          curl -s -X POST $URL/v1/key/report -H "Authorization: Bearer $(cat sensor.key)" -H 'Content-Type: application/json' \
            -d "{\"ip\":\"$1\",\"categories\":[\"exploited_host\",\"malware\",\"brute_force\",\"ddos\"],\"protocol\":\"ssh\"}"
          echo
        }
        wait_for() {
          for i in $(seq 1 100); do nft list set ip crowdsec crowdsec-blacklists 2>/dev/null | grep -q "$1" && return 0; sleep 0.2; done
          return 1
        }
        report 45.33.90.1
        cat > bouncer.yaml <<YAML
        mode: nftables
        pid_dir: $T/
        update_frequency: 1s
        daemonize: false
        log_mode: stdout
        log_level: info
        api_url: $URL/
        api_key: $(cat bouncer.key)
        disable_ipv6: false
        deny_action: DROP
        deny_log: false
        supported_decisions_types:
          - ban
        blacklists_ipv4: crowdsec-blacklists
        blacklists_ipv6: crowdsec6-blacklists
        nftables:
          ipv4:
            enabled: true
            set-only: false
            table: crowdsec
            chain: crowdsec-chain
          ipv6:
            enabled: true
            set-only: false
            table: crowdsec6
            chain: crowdsec6-chain
        prometheus:
          enabled: false
        YAML
        crowdsec-firewall-bouncer -c bouncer.yaml > bouncer.log 2>&1 &
        BOUNCER=$!
        wait_for 45.33.90.1 && echo "STARTUP-LOADED"
        report 45.33.90.2
        wait_for 45.33.90.2 && echo "INCREMENT-LOADED"
        nft list ruleset
        kill $BOUNCER $SERVE
        wait
        echo "--- bouncer log"; cat bouncer.log
        echo "--- serve log"; tail -n 20 serve.log
        """;

    [Fact]
    public async Task Real_firewall_bouncer_loads_palisade_decisions_into_nftables()
    {
        var folder = TempDirectory.Create();
        try
        {
            var script = Path.Combine(folder, "bouncer.sh");
            await File.WriteAllTextAsync(script, Script.Replace("\r", "", StringComparison.Ordinal));
            var info = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-n", "bash", script, folder, Path.Combine(AppContext.BaseDirectory, "palisade.dll") })
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            var output = await stdout + await stderr;

            Assert.True(output.Contains("STARTUP-LOADED", StringComparison.Ordinal), "the bouncer did not load the startup list:\n" + output);
            Assert.True(output.Contains("INCREMENT-LOADED", StringComparison.Ordinal), "the bouncer did not load an incremental decision:\n" + output);
            Assert.Contains("ip saddr @crowdsec-blacklists", output);
            Assert.DoesNotContain("level=error", output);
        }
        finally
        {
            TempDirectory.Delete(folder);
        }
    }
}
