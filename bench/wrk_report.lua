-- wrk script of `python -m bench run`: one scenario, configured through the environment.
--   BENCH_METHOD   GET or POST
--   BENCH_PATHS_FILE  a file of request paths, one a line; each request takes one at random
--   BENCH_HEADERS  "Name: value" lines (cookies, Authorization, X-Forwarded-Proto, Content-Type …)
--   BENCH_BODY     the request body (POST)
-- done() prints one line, "BENCHJSON {...}", with the latency percentiles in microseconds.

local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
if body == "" then
  body = nil
end

local paths = {}
local paths_file = os.getenv("BENCH_PATHS_FILE")
if paths_file then
  for line in io.lines(paths_file) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
end
if #paths == 0 then
  table.insert(paths, "/")
end

local headers = {}
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then
    headers[name] = value
  end
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() + (seed or 0) * 7919)
end

function request()
  return wrk.format(method, paths[math.random(#paths)], headers, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "p50": %d, "p95": %d, "p99": %d, "max": %d, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout
  ))
end
