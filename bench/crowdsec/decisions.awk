# One POST /v1/key/bulk-report body from a honeypot (sensor) key: addresses FROM+1 .. TO counted from OCTET.0.0.0, each
# observed in four severe categories, which scores it above CrowdSec's default decision threshold (75).
BEGIN {
  printf "{\"reports\":["
  for (i = from; i < to; i++) {
    n = i + 1
    if (i > from) printf ","
    printf "{\"ip\":\"%d.%d.%d.%d\",\"categories\":[\"exploited_host\",\"malware\",\"brute_force\",\"ddos\"],\"protocol\":\"ssh\"}", \
      octet + int(n / 16777216), int(n / 65536) % 256, int(n / 256) % 256, n % 256
  }
  print "]}"
}
