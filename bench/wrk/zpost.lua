-- The counter, as a cashier's browser drives it: search by phone (GET /counter?q=…), then record the purchase through the
-- Razor handler (POST /counter?handler=Purchase, a form with the antiforgery token; answered with a redirect to the receipt).
-- A wrk thread alternates the two requests over its connections, so a flow is two requests; run.sh counts the purchases
-- really recorded (receipts "c<run>-…") from the database.
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/wrk/?.lua"
local common = require("common")
local ids, counter, run, token, current
local threads_seen = 0

function setup(thread)
  threads_seen = threads_seen + 1
  -- A global of the thread's own Lua state (a file-level local of the same name would hide it: it did, and both
  -- threads sent the same Idempotency-Keys, so half the purchases were replays waiting on the other thread's).
  thread:set("thread_id", threads_seen)
end

local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  ids = common.load(os.getenv("BENCH_CUSTOMERS"))
  counter = 0
  -- Unique per wrk invocation too (the warm-up and each load run reuse the thread ids and counters).
  token = os.getenv("BENCH_TOKEN")
  math.randomseed(os.time() + thread_id * 104729)
  run = os.getenv("BENCH_RUN") .. "-" .. os.time() .. "-" .. math.random(1000000)
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  counter = counter + 1
  if counter % 2 == 1 then current = common.pick(ids, "counter") end
  if false then
    current = common.pick(ids, "counter")
    local _, phone = common.split(current)
    return wrk.format("GET", "/counter?q=" .. enc(phone))
  end
  local id = common.split(current)
  local key = string.format("c%s-%d-%d", run, thread_id, counter)
  local body = "Purchase.CustomerId=" .. id .. "&Purchase.Amount=" .. enc(string.format("%d,%02d", math.random(10, 500), math.random(0, 99)))
    .. "&Purchase.Receipt=" .. key .. "&Purchase.IdempotencyKey=counter-" .. key .. "&__RequestVerificationToken=" .. enc(token)
  return wrk.format("POST", "/counter?handler=Purchase", common.headers({ ["Content-Type"] = "application/x-www-form-urlencoded" }), body)
end

done = common.done
