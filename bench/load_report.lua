-- wrk script for bench/load.sh: sends the session cookie / API token and, at
-- the end, prints one JSON line with requests/s, p50/p95/p99 (ms) and errors.
-- Headers come from the environment: LOAD_COOKIE, LOAD_AUTH.
local cookie = os.getenv("LOAD_COOKIE")
local auth = os.getenv("LOAD_AUTH")
if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
wrk.headers["X-Forwarded-Proto"] = "https"

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'LOADJSON {"requests": %d, "seconds": %.2f, "rps": %.1f, "p50_ms": %.1f, ' ..
    '"p95_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout + e.status, e.status))
end
