-- Signed webhook deliveries for wrk: POSTs bodies read from a file, one per
-- line as "<X-Spark-Signature>\t<JSON body>", in turn; each wrk thread takes
-- every n-th line. With one line, every request is the same. At the end,
-- prints one JSON line with the counts and latency percentiles (µs).
--
-- Usage: wrk -t1 -c32 -d10s -s bench/_wrk_signed.lua <url> -- <file> <threads>

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path = args[1]
  local count = tonumber(args[2] or "1")
  requests = {}
  wrapped = 0
  local index = 0
  for line in io.lines(path) do
    if index % count == id then
      local tab = line:find("\t", 1, true)
      requests[#requests + 1] = wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["X-Spark-Signature"] = line:sub(1, tab - 1),
      }, line:sub(tab + 1))
    end
    index = index + 1
  end
  position = 0
end

function request()
  position = position + 1
  if position > #requests then
    position = 1
    wrapped = wrapped + 1
  end
  return requests[position]
end

function done(summary, latency, _)
  local wraps = 0
  for _, thread in ipairs(threads) do
    wraps = wraps + (thread:get("wrapped") or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"connectErrors":%d,"readErrors":%d,' ..
      '"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,' ..
      '"p90Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f,"wrapped":%d}\n',
    summary.requests, summary.duration, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    wraps))
end
