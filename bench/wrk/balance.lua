-- GET /api/v1/customers/{id}: the balance and latest vouchers of random customers of the large tenant.
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/wrk/?.lua"
local common = require("common")
local ids

function init(args)
  ids = common.load(os.getenv("BENCH_CUSTOMERS"))
  math.randomseed(os.time() + math.random(100000))
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  local id = common.split(ids[math.random(#ids)])
  return wrk.format("GET", "/api/v1/customers/" .. id)
end

done = common.done
