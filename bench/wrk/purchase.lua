-- POST /api/v1/purchases: random customers of the large tenant, a unique Idempotency-Key and receipt each time.
-- env: BENCH_KEY (API key), BENCH_CUSTOMERS (file of "id,phone" lines), BENCH_RUN (makes keys unique per run)
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/wrk/?.lua"
local common = require("common")
local ids, counter, run
local threads_seen = 0

function setup(thread)
  threads_seen = threads_seen + 1
  -- A global of the thread's own Lua state (a file-level local of the same name would hide it: it did, and both
  -- threads sent the same Idempotency-Keys, so half the purchases were replays waiting on the other thread's).
  thread:set("thread_id", threads_seen)
end

function init(args)
  ids = common.load(os.getenv("BENCH_CUSTOMERS"))
  counter = 0
  -- Unique per wrk invocation too (the warm-up and each load run reuse the thread ids and counters).
  math.randomseed(os.time() + thread_id * 7919)
  run = os.getenv("BENCH_RUN") .. "-" .. os.time() .. "-" .. math.random(1000000)
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  counter = counter + 1
  local id = common.split(common.pick(ids, "api"))
  local key = string.format("b%s-%d-%d", run, thread_id, counter)
  local body = string.format('{"customer":{"id":"%s"},"amountCents":%d,"receiptNumber":"%s"}', id, math.random(1000, 50000), key)
  return wrk.format("POST", "/api/v1/purchases", common.headers({ ["Idempotency-Key"] = key }), body)
end

done = common.done
