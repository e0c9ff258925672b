-- GET /{tenant}/home as a signed-in member (the portal cookie made by the bench tool).
package.path = package.path .. ";" .. os.getenv("BENCH_DIR") .. "/wrk/?.lua"
local common = require("common")

function init(args)
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["X-Forwarded-Proto"] = "https"
end

function request()
  return wrk.format("GET", "/" .. os.getenv("BENCH_SLUG") .. "/home")
end

done = common.done
