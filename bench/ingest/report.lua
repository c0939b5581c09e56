-- wrk script: one POST /v1/key/report per request, each for a different public address, so no request is a duplicate
-- and every one is charged, stored and indexed. BENCH_KEY is the API key, BENCH_OCTET the first octet of the
-- addresses (a fresh one per run keeps runs apart).
local key = os.getenv("BENCH_KEY")
local octet = tonumber(os.getenv("BENCH_OCTET") or "60")
local categories = { "brute_force", "port_scan", "web_exploit", "ddos", "spam" }
local counter = 0

request = function()
  counter = counter + 1
  local n = counter
  local ip = string.format("%d.%d.%d.%d", octet, math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  local body = string.format('{"ip":"%s","category":"%s","protocol":"ssh","port":22,"comment":"Failed password for root"}',
    ip, categories[n % 5 + 1])
  return wrk.format("POST", "/v1/key/report", { ["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json" }, body)
end
