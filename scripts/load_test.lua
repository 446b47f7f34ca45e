-- wrk script for scripts/load_test.sh: requests the paths listed in a file (one per line, repeat a path
-- to weight it) in random order, counts responses by status code and prints latency percentiles.
-- A second argument "nocache" adds a random _nocache=N parameter (ignored by the site) to every request,
-- so that no cache in front of the workers can answer.
local paths = {}
local nocache = false
local threads = {}
statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  nocache = args[2] == "nocache"
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(paths, line) end
  end
  math.randomseed(os.time() + #threads)
end

function request()
  local path = paths[math.random(#paths)]
  if nocache then
    path = path .. (path:find("?", 1, true) and "&" or "?") .. "_nocache=" .. math.random(1, 1000000000)
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, bad, server_errors = {}, 0, 0
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + count
    end
  end
  local codes = {}
  for code, count in pairs(total) do
    table.insert(codes, code .. ": " .. count)
    if code >= 400 then bad = bad + count end
    if code >= 500 then server_errors = server_errors + count end
  end
  table.sort(codes)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write(string.format("requests %d in %.1f s: %.0f requests/s\n", summary.requests, seconds,
                         summary.requests / seconds))
  io.write(string.format("latency ms: p50 %.1f, p90 %.1f, p99 %.1f, max %.1f\n",
                         latency:percentile(50) / 1000, latency:percentile(90) / 1000,
                         latency:percentile(99) / 1000, latency.max / 1000))
  io.write("status codes: " .. table.concat(codes, ", ") .. "\n")
  io.write(string.format("non-2xx/3xx responses: %d (5xx: %d); socket errors: connect %d, read %d, write %d, "
                         .. "timeout %d\n", bad, server_errors, errors.connect, errors.read, errors.write,
                         errors.timeout))
end
