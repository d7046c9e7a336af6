-- Shared by the workloads of benches/run.sh; each script loads it with
-- dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua").
--
-- Environment read here:
--   BENCH_NAME      the workload's name, printed on the result line
--   BENCH_TOKEN     a bearer token (none: no authorization header)
--   BENCH_IDS_FILE  a file of ids, one a line, that "{id}" in a path rotates over

local common = {}

-- wrk runs setup() in the main Lua state and each thread in its own: this
-- numbers the threads so that each starts at its own place in the ids.
local threads = 0
function setup(thread)
   thread:set("thread_number", threads)
   threads = threads + 1
end

function common.headers(extra)
   local headers = { ["accept"] = "application/json" }
   local token = os.getenv("BENCH_TOKEN")
   if token and token ~= "" then
      headers["authorization"] = "Bearer " .. token
   end
   for name, value in pairs(extra or {}) do
      headers[name] = value
   end
   return headers
end

-- The ids to rotate over, or an empty list when BENCH_IDS_FILE is unset.
function common.ids()
   local ids = {}
   local path = os.getenv("BENCH_IDS_FILE")
   if path and path ~= "" then
      for line in io.lines(path) do
         if line ~= "" then
            ids[#ids + 1] = line
         end
      end
      if #ids == 0 then
         error("no ids in " .. path)
      end
   end
   return ids
end

-- A function giving the next path: "{id}" in the template replaced by the
-- next id, each thread starting at its own offset.
function common.rotating_path(template, ids)
   if #ids == 0 then
      return function() return template end
   end
   local next_index = ((thread_number or 0) * 7919) % #ids
   return function()
      next_index = next_index % #ids + 1
      return (template:gsub("{id}", ids[next_index]))
   end
end

-- One machine-readable line per run; latencies in milliseconds.
function done(summary, latency, requests)
   local seconds = summary.duration / 1e6
   local errors = summary.errors
   io.write(string.format(
      "BENCH name=%s requests=%d rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f socket_errors=%d non2xx=%d\n",
      os.getenv("BENCH_NAME") or "unnamed",
      summary.requests,
      summary.requests / seconds,
      latency:percentile(50) / 1000,
      latency:percentile(95) / 1000,
      latency:percentile(99) / 1000,
      latency.max / 1000,
      errors.connect + errors.read + errors.write + errors.timeout,
      errors.status))
end

return common
