-- wrk script: GET /v1/key/check/{ip} for random addresses, half of them reported (45.0.0.1 .. 45.0.0.0+N, see
-- reports.awk) and half never reported (46.x.x.x). The requests are built up front so wrk spends its core on I/O.
-- Environment: BENCH_KEY, BENCH_COUNT (reported addresses, default 100000), BENCH_QUERY (e.g. "?verbose=false").

local thread_count = 0

function setup(thread)
  thread:set("index", thread_count)
  thread_count = thread_count + 1
end

local function address(first_octet, n)
  return string.format("%d.%d.%d.%d", first_octet + math.floor(n / 16777216), math.floor(n / 65536) % 256,
    math.floor(n / 256) % 256, n % 256)
end

function init(args)
  local count = tonumber(os.getenv("BENCH_COUNT") or "100000")
  local query = os.getenv("BENCH_QUERY") or ""
  local headers = { ["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY") }
  math.randomseed(4242 + index)
  requests = {}
  for i = 1, 20000 do
    local ip
    if math.random() < 0.5 then
      ip = address(45, math.random(1, count))
    else
      ip = address(46, math.random(1, count))
    end
    requests[i] = wrk.format("GET", "/v1/key/check/" .. ip .. query, headers)
  end
  cursor = 0
end

function request()
  cursor = (cursor % #requests) + 1
  return requests[cursor]
end
