-- wrk script: GET /v1/decisions?ip= (CrowdSec's live/query mode, as the nginx bouncer asks per client request) for
-- random addresses, half of them banned (45.x, see decisions.awk) and half not (46.x). Requests are built up front.
-- Environment: BENCH_KEY (the bouncer's key, sent as X-Api-Key), BENCH_COUNT.
function init(args)
  local count = tonumber(os.getenv("BENCH_COUNT") or "100000")
  local headers = { ["X-Api-Key"] = os.getenv("BENCH_KEY") }
  math.randomseed(4243)
  requests = {}
  for i = 1, 20000 do
    local n = math.random(1, count)
    local octet = (math.random() < 0.5) and 45 or 46
    local ip = string.format("%d.%d.%d.%d", octet + math.floor(n / 16777216), math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
    requests[i] = wrk.format("GET", "/v1/decisions?ip=" .. ip, headers)
  end
  position = 0
end

function request()
  position = position % #requests + 1
  return requests[position]
end
