# Writes one POST /v1/key/bulk-report body: reports for addresses number FROM+1 .. TO counted from OCTET.0.0.0
# (awk -v octet=45 -v from=0 -v to=10000 -f reports.awk). One report per address, categories and protocols
# rotating; every third one with a port and a username, so check answers vary in size as real ones do.
BEGIN {
  split("brute_force port_scan ddos web_exploit sql_injection phishing spam bad_bot exploited_host malware dns_abuse open_proxy iot_targeted spoofing fraud other", cats, " ")
  split("ssh http smtp telnet ftp rdp", protos, " ")
  split("22 80 25 23 21 3389", ports, " ")
  split("root admin ubuntu test oracle", users, " ")
  printf "{\"reports\":["
  for (i = from; i < to; i++) {
    n = i + 1
    ip = sprintf("%d.%d.%d.%d", octet + int(n / 16777216), int(n / 65536) % 256, int(n / 256) % 256, n % 256)
    p = i % 6 + 1
    if (i > from) printf ","
    if (i % 3 == 0)
      printf "{\"ip\":\"%s\",\"category\":\"%s\",\"protocol\":\"%s\",\"port\":%d,\"username\":\"%s\",\"comment\":\"bench report %d\"}", ip, cats[i % 16 + 1], protos[p], ports[p], users[i % 5 + 1], i
    else
      printf "{\"ip\":\"%s\",\"category\":\"%s\",\"protocol\":\"%s\",\"comment\":\"bench report %d\"}", ip, cats[i % 16 + 1], protos[p], i
  }
  print "]}"
}
