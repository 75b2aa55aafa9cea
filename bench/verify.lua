-- wrk script for bench/run: POST /verify with a distinct token on every
-- request, cycled from the file $BENCH_TOKENS (token TAB body per line),
-- and every answer checked.  Thread t of T sends lines t, t+T, t+2T, ...
-- so no two requests in flight carry the same token.  With
-- $BENCH_LIMIT, each thread stops after that many answers.
local tokens_file = os.getenv("BENCH_TOKENS")
local limit = tonumber(os.getenv("BENCH_LIMIT") or "0")
local expect = '{"devicePhoneNumberVerified":true}'
local threads = {}

function setup(thread)
	table.insert(threads, thread)
	thread:set("id", #threads)
end

function init(args)
	nthreads = tonumber(args[1] or "1")
	reqs = {}
	for line in io.lines(tokens_file) do
		local tok, body = line:match("^([^\t]+)\t(.*)$")
		reqs[#reqs + 1] = wrk.format("POST", nil, {
			["Authorization"] = "Bearer " .. tok,
			["Content-Type"] = "application/json",
			["Accept"] = "application/json",
		}, body)
	end
	n = #reqs
	pos = id
	responses, bad_status, bad_body = 0, 0, 0
end

function request()
	local r = reqs[pos]
	pos = pos + nthreads
	if pos > n then
		pos = pos - n
	end
	return r
end

function response(status, headers, body)
	responses = responses + 1
	if status < 200 or status > 299 then
		bad_status = bad_status + 1
	elseif body ~= expect then
		bad_body = bad_body + 1
	end
	if limit > 0 and responses >= limit then
		wrk.thread:stop()
	end
end

function done(summary, latency, requests)
	local resp, bs, bb = 0, 0, 0
	for _, t in ipairs(threads) do
		resp = resp + t:get("responses")
		bs = bs + t:get("bad_status")
		bb = bb + t:get("bad_body")
	end
	local e = summary.errors
	-- mean and max too: a connection left waiting behind others (a
	-- kept FastCGI connection holding its worker) shows there first.
	io.write(string.format("BENCH requests=%d duration_us=%d " ..
	    "p50_us=%d p99_us=%d p999_us=%d mean_us=%d max_us=%d " ..
	    "responses=%d bad_status=%d bad_body=%d socket_errors=%d\n",
	    summary.requests, summary.duration, latency:percentile(50),
	    latency:percentile(99), latency:percentile(99.9),
	    math.floor(latency.mean), latency.max, resp, bs, bb,
	    e.connect + e.read + e.write + e.timeout))
end
