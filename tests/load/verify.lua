-- wrk script: POST a signed Bundle to $verify-signature. With MALFORMED_EVERY=N, every Nth
-- request sends a body that is not strict JSON (a duplicate member) instead. Each thread
-- counts the answers by kind (answers on different connections come back in any order, so
-- an answer is classified by itself: 200, or 400 naming the duplicate member); done() prints
-- them, and the script checks that nothing else came back and that the malformed share is
-- the one sent.
local signed = os.getenv("SIGNED_BODY_FILE")
local f = assert(io.open(signed, "rb"))
local body = f:read("*a")
f:close()
local every = tonumber(os.getenv("MALFORMED_EVERY") or "0")
local malformed = '{"resourceType": "Bundle", "type": "searchset", "type": "document"}'
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent, valid_ok, bad_ok, unexpected = 0, 0, 0, 0
end

function request()
  sent = sent + 1
  local bad = every > 0 and sent % every == 0
  return wrk.format("POST", nil, {["Content-Type"] = "application/fhir+json"}, bad and malformed or body)
end

function response(status, headers, body)
  if status == 400 and string.find(body, "duplicate member", 1, true) then
    bad_ok = bad_ok + 1
  elseif status == 200 then
    valid_ok = valid_ok + 1
  else
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local v, b, u = 0, 0, 0
  for _, t in ipairs(threads) do
    v = v + t:get("valid_ok")
    b = b + t:get("bad_ok")
    u = u + t:get("unexpected")
  end
  io.write(string.format("counts valid_ok=%d malformed_400=%d unexpected=%d\n", v, b, u))
  io.write(string.format("p99_ms=%.2f p50_ms=%.2f\n", latency:percentile(99) / 1000, latency:percentile(50) / 1000))
end
