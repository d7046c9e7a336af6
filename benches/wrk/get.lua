-- GET BENCH_PATH ("{id}" rotating over BENCH_IDS_FILE), with the bearer
-- token when BENCH_TOKEN is set.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local next_path

function init(args)
   next_path = common.rotating_path(os.getenv("BENCH_PATH"), common.ids())
end

function request()
   return wrk.format("GET", next_path(), common.headers())
end
