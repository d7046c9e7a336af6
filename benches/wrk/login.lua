-- POST /api/v1/auth/login with a valid account (BENCH_EMAIL,
-- BENCH_PASSWORD): as many logins as argon2 lets through.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")

local headers
local body

function init(args)
   headers = { ["content-type"] = "application/json" }
   body = string.format('{"email":"%s","password":"%s"}',
      os.getenv("BENCH_EMAIL"), os.getenv("BENCH_PASSWORD"))
end

function request()
   return wrk.format("POST", "/api/v1/auth/login", headers, body)
end
