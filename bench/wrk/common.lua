-- Shared by the wrk scripts: a random pick from a file of lines, and a machine-readable summary at the end.
local M = {}

function M.load(path)
  local t = {}
  for line in io.lines(path) do t[#t + 1] = line end
  return t
end

-- The purchase API's load buys for the first four fifths of the customers, the counter's for the last fifth. At smoke
-- scale (10,000 customers) the API scenarios give each of theirs several purchases an hour, and the counter's burst rule
-- (more than 4 in 60 minutes) would then flag nearly every counter purchase, a path that is rare at a real counter (and
-- at full scale). The counter's customers keep their generated history.
function M.pick(ids, part)
  local cut = math.floor(#ids * 0.8)
  if part == "counter" then return ids[math.random(cut + 1, #ids)] end
  return ids[math.random(1, cut)]
end

function M.split(s)
  local a, b = s:match("([^,]*),?(.*)")
  return a, b
end

-- wrk calls done() once; one line the harness parses: rps p50 p95 p99 (ms) errors requests
function M.done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT\t%.1f\t%.2f\t%.2f\t%.2f\t%d\t%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    errors, summary.requests))
end

-- wrk.format replaces wrk.headers when given headers: merge them (and Host, which wrk adds only to its defaults).
function M.headers(extra)
  local h = {}
  for k, v in pairs(wrk.headers) do h[k] = v end
  for k, v in pairs(extra) do h[k] = v end
  return h
end

return M
