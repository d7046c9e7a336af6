-- POST /api/v1/families/{id}/interventions, rotating over BENCH_IDS_FILE:
-- a valid home visit with BENCH_STAFF_ID present, at BENCH_OCCURRED_AT.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local next_path
local headers
local body

function init(args)
   next_path = common.rotating_path("/api/v1/families/{id}/interventions", common.ids())
   headers = common.headers({ ["content-type"] = "application/json" })
   body = string.format(
      '{"kind":"home_visit","occurred_at":"%s","duration_minutes":45,'
         .. '"staff_ids":["%s"],"confidentiality":"team",'
         .. '"summary":"Visite à domicile : point sur le budget de la semaine et les rendez-vous de la PMI."}',
      os.getenv("BENCH_OCCURRED_AT"),
      os.getenv("BENCH_STAFF_ID"))
end

function request()
   return wrk.format("POST", next_path(), headers, body)
end
