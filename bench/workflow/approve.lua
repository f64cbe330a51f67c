-- bench/workflow/approve.lua: one approval per request, each on a different instance.
--   wrk ... -s approve.lua URL -- IDS_FILE THREADS TOKEN_HEAD TOKEN_LEADER
-- Thread k takes the instances with id % THREADS == k: first the department head approves each
-- (it moves on to the 分管领导), then the 分管领导 approves each (it finishes). Should the list run
-- out before the run ends, the thread sends GET /api/v1/health, which run.sh does not count.
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

function init(args)
  local n = tonumber(args[2])
  local ids = {}
  for line in io.lines(args[1]) do
    local id = tonumber(line)
    if id and id % n == tid then ids[#ids + 1] = id end
  end
  queue = {}
  for _, id in ipairs(ids) do queue[#queue + 1] = { args[3], id } end
  for _, id in ipairs(ids) do queue[#queue + 1] = { args[4], id } end
  pos = 0
  body = '{"action":"approve","opinion":"同意"}'
end

function request()
  pos = pos + 1
  local q = queue[pos]
  if q == nil then
    return wrk.format("GET", "/api/v1/health")
  end
  return wrk.format("POST", "/api/v1/workflows/instances/" .. q[2] .. "/actions",
    { ["Authorization"] = "Bearer " .. q[1], ["Content-Type"] = "application/json" }, body)
end
