-- wrk script: POSTs one report for each of N distinct public addresses (45.0.0.1, 45.0.0.2, ...), spread over
-- wrk's threads, going round again until bench/check/run.sh sees every address on the server and interrupts wrk.
-- Environment: BENCH_KEY (enterprise key), BENCH_COUNT (addresses, default 100000), BENCH_THREADS (wrk's -t).

local categories = { "brute_force", "port_scan", "ddos", "web_exploit", "sql_injection", "phishing", "spam", "bad_bot",
  "exploited_host", "malware", "dns_abuse", "open_proxy", "iot_targeted", "spoofing", "fraud", "other" }
local protocols = { "ssh", "http", "smtp", "telnet", "ftp", "rdp" }
local ports = { 22, 80, 25, 23, 21, 3389 }
local users = { "root", "admin", "ubuntu", "test", "oracle" }

local thread_count = 0

function setup(thread)
  thread:set("index", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  count = tonumber(os.getenv("BENCH_COUNT") or "100000")
  key = os.getenv("BENCH_KEY")
  -- thread k sends addresses k, k + step, k + 2 step, ...
  step = tonumber(os.getenv("BENCH_THREADS") or "1")
  next_index = index
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. key
  wrk.headers["Content-Type"] = "application/json"
end

-- Address number n (1-based) as 45.0.0.0 + n: all public unicast.
function address(n)
  return string.format("45.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
end

function request()
  if next_index >= count then
    -- Another pass: already stored addresses answer "duplicate" (counted once); a request wrk generated but never
    -- sent (it calls request() once before the run) is sent now.
    next_index = index
  end
  local i = next_index
  next_index = next_index + step
  local p = (i % #protocols) + 1
  local body
  if i % 3 == 0 then
    body = string.format('{"ip":"%s","category":"%s","protocol":"%s","port":%d,"username":"%s","comment":"bench report %d"}',
      address(i + 1), categories[(i % #categories) + 1], protocols[p], ports[p], users[(i % #users) + 1], i)
  else
    body = string.format('{"ip":"%s","category":"%s","protocol":"%s","comment":"bench report %d"}',
      address(i + 1), categories[(i % #categories) + 1], protocols[p], i)
  end
  return wrk.format("POST", "/v1/key/report", nil, body)
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("report failed: " .. status .. " " .. body .. "\n")
  end
end
