-- wrk script of the page benchmark: cycles through the paths listed (one per line) in the file named by
-- BENCH_PATHS, each thread from its own offset (see BENCH_SPREAD in init), and prints one JSON summary line at the end.

local paths = {}
local counter = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7)
  thread:set("index", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  counter = offset or 0
  -- BENCH_SPREAD threads: evenly spread over the paths, so no thread asks for a path another just asked for.
  local spread = tonumber(os.getenv("BENCH_SPREAD") or "")
  if spread and spread > 0 then
    counter = (index or 0) * math.floor(#paths / spread)
  end
end

-- BENCH_COOKIE: a Cookie header for every request (the eligibility profile), or empty.
local cookie = os.getenv("BENCH_COOKIE") or ""

function request()
  counter = counter % #paths + 1
  if cookie ~= "" then
    return wrk.format("GET", paths[counter], {["Cookie"] = cookie})
  end
  return wrk.format("GET", paths[counter])
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d}, "latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p95": %d, '
      .. '"p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max
  ))
end
