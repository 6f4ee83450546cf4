-- wrk script: optional list of paths to cycle through (one per line, file given after "--", then
-- optionally the line to start from), and a one-line JSON summary with latency percentiles at the end.
local paths = {}
local counter = 0

function init(args)
  if args[1] then
    for line in io.lines(args[1]) do
      if line ~= "" then paths[#paths + 1] = line end
    end
  end
  if args[2] then counter = tonumber(args[2]) end
end

-- Each request comes from one of 1,000 clients behind the local proxy (X-Forwarded-For, addresses of
-- 198.18.0.0/15, the range set aside for benchmarks by RFC 2544), as visitors do in production: the
-- API's rate limits see many clients at their usual rates, not one client sending everything.
local sent = 0

function client()
  sent = sent + 1
  local n = sent % 1000
  return {["X-Forwarded-For"] = string.format("198.18.%d.%d", math.floor(n / 250), n % 250 + 1)}
end

function request()
  if #paths == 0 then
    return wrk.format(nil, wrk.path, client())
  end
  counter = counter + 1
  return wrk.format(nil, paths[(counter % #paths) + 1], client())
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests":%d,"duration_s":%.3f,"rps":%.2f,"mean_ms":%.2f,"p50_ms":%.2f,"p95_ms":%.2f,' ..
    '"p99_ms":%.2f,"max_ms":%.2f,"non2xx":%d,"socket_errors":%d,"bytes":%d}\n',
    summary.requests, seconds, summary.requests / seconds, latency.mean / 1000,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end
