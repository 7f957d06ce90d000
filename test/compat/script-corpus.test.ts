/**
 * A corpus of scripts written the way libraries write them, using the
 * libraries Redis bundles (cjson, cmsgpack, struct, bit) and Lua 5.1's
 * number printing, each run against a real redis-server and tredis with the
 * replies compared byte for byte (RESP2 and RESP3). The rate limiters, the
 * owner-checked lock and the plain list/zset queue are in eval.test.ts.
 */
import { describeScripts, S, Step, useServers } from './harness';

const servers = useServers();

const E = (body: string, ...rest: string[]): string[] => ['EVAL', body, ...rest];
const E0 = (body: string): string[] => ['EVAL', body, '0'];

/** Runs `expr` over each value and returns the results as strings (so floats survive RESP). */
const each = (values: string, expr: string): string[] =>
  E0(`local out = {} for i, x in ipairs({${values}}) do out[i] = ${expr} end return out`);

const NUMBERS = '0, -0, 1, -1, 5, 10/2, 1/3, 0.1, 0.5, 1e15, 1e16, 1e100, 123456789012345, 2^53, 2^53+1, 2^63, -2^63, 3.14159265358979, 1e-5, 1e-300, 100, 1e14+0.5, 255/256';

const scripts: Record<string, Step[]> = {
  'corpus: a job queue with cjson payloads (enqueue, take, fail with backoff, promote)': S(
    'SCRIPT FLUSH',
    // enqueue: id from a counter, payload stored as JSON in a hash, id on the wait list
    ...['{"to":"a@x.io","n":1}', '{"to":"b@x.io","n":2,"tags":["x","y"]}', '{"to":"c@x.io","n":3.5,"opt":{"retries":2}}'].map((data) =>
      E(
        `local id = redis.call('INCR', KEYS[1])
local job = {id = id, data = cjson.decode(ARGV[1]), attempts = 0, state = 'waiting'}
redis.call('HSET', KEYS[2], id, cjson.encode(job))
redis.call('RPUSH', KEYS[3], id)
return id`,
        '3', 'q:id', 'q:jobs', 'q:wait', data,
      ),
    ),
    'HGETALL q:jobs',
    // take: move the first waiting job to active, stamp it, hand back its JSON
    ...['1000', '1001'].map((now) =>
      E(
        `local id = redis.call('LPOP', KEYS[1])
if not id then return nil end
local job = cjson.decode(redis.call('HGET', KEYS[3], id))
job.state = 'active'
job.attempts = job.attempts + 1
job.started = tonumber(ARGV[1])
local s = cjson.encode(job)
redis.call('HSET', KEYS[3], id, s)
redis.call('ZADD', KEYS[2], ARGV[1], id)
return s`,
        '3', 'q:wait', 'q:active', 'q:jobs', now,
      ),
    ),
    // fail: back off exponentially into the delayed set, keep the error text
    E(
      `local id = ARGV[1]
local job = cjson.decode(redis.call('HGET', KEYS[3], id))
redis.call('ZREM', KEYS[1], id)
job.state = 'delayed'
job.error = ARGV[3]
local due = tonumber(ARGV[2]) + 100 * 2 ^ job.attempts
redis.call('ZADD', KEYS[2], due, id)
redis.call('HSET', KEYS[3], id, cjson.encode(job))
return {id, tostring(due), cjson.encode(job)}`,
      '3', 'q:active', 'q:delayed', 'q:jobs', '1', '1005', 'timeout "smtp" \\ 5s',
    ),
    // promote: due delayed jobs back to wait
    E(
      `local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for _, id in ipairs(due) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('RPUSH', KEYS[2], id)
  local job = cjson.decode(redis.call('HGET', KEYS[3], id))
  job.state = 'waiting'
  redis.call('HSET', KEYS[3], id, cjson.encode(job))
end
return due`,
      '3', 'q:delayed', 'q:wait', 'q:jobs', '1300',
    ),
    'LRANGE q:wait 0 -1',
    'ZRANGE q:active 0 -1 WITHSCORES',
    'HGETALL q:jobs',
    // cjson edge cases libraries meet
    E0("return cjson.encode({1, 2, 3, {a = {}}, 'x\\\"y', cjson.null, true, 0.1, 1e20, -3})"),
    E0("return cjson.encode(cjson.decode('{\"a\":[1,2,{\"b\":null}],\"c\":\"\\\\u00e9\\\\n\",\"d\":1.5e3,\"e\":-0}'))"),
    E0("local t = cjson.decode('[1,null,3]') return {#t, tostring(t[2] == cjson.null)}"),
    E0("return cjson.encode({[1] = 'a', [3] = 'c'})"),
    E0("return cjson.encode({[1] = 'a', [20] = 'c'})"),
    E0("return cjson.encode({a = 1, [2] = 'b'})"),
    E0("return cjson.encode(1/3)"),
    E0("return pcall(cjson.encode, function() end)"),
    E0("return pcall(cjson.decode, '{\"a\":')"),
    E0("return pcall(cjson.decode, '[1,2,]')"),
    E0("return pcall(cjson.encode, 0/0)"),
    E0("local t = {} t.self = t return pcall(cjson.encode, t)"),
  ),

  'corpus: cmsgpack round trips': S(
    'SCRIPT FLUSH',
    E0("return cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649)"),
    E0("return cmsgpack.pack(0.5, -0.25, 1/3, 1e300, 2^53, 3.0)"),
    E0("return cmsgpack.pack('', 'abc', string.rep('x', 31), string.rep('y', 32), string.rep('z', 255), string.rep('w', 256), string.rep('v', 65536))"),
    E0("return cmsgpack.pack({1, 2, 3}, {a = 1}, {}, true, false, nil)"),
    E0("return cmsgpack.pack({1, 2, {3, {4, {5}}}, 'x'})"),
    E0("return cmsgpack.pack({[1] = 'a', [3] = 'c'})"),
    E0("return cmsgpack.pack({name = 'job', attempts = 3, tags = {'a', 'b'}, opts = {delay = 1.5}})"),
    E0("local t = {} for i = 1, 20 do t[i] = i * i end return cmsgpack.pack(t)"),
    E0("local t = {} for i = 1, 17 do t['k' .. i] = i end return #cmsgpack.pack(t)"),
    E0("local v = cmsgpack.unpack(cmsgpack.pack({1, 2, 'x', {y = 'z'}})) return {v[1], v[2], v[3], v[4].y}"),
    E0("return {cmsgpack.unpack(cmsgpack.pack(1, 'two', 3.5))}"),
    E0("local a, b = cmsgpack.unpack(cmsgpack.pack(-129, 4294967296)) return {tostring(a), tostring(b)}"),
    E0("local x = cmsgpack.unpack(cmsgpack.pack(0.1)) return tostring(x)"),
    E0("return {cmsgpack.unpack_one(cmsgpack.pack(10, 20, 30))}"),
    E0("return {cmsgpack.unpack_limit(cmsgpack.pack(10, 20, 30), 2)}"),
    E0("return {cmsgpack.unpack_one(cmsgpack.pack(10, 20, 30), 1)}"),
    E0("return pcall(cmsgpack.unpack, '\\193')"),
    E0("return pcall(cmsgpack.unpack, '\\146\\1')"),
    E0('return pcall(cmsgpack.pack)'),
    // a payload stored by one script, read back by another
    E("redis.call('SET', KEYS[1], cmsgpack.pack({id = 7, data = {1, 2, 3}, name = ARGV[1]})) return redis.call('STRLEN', KEYS[1])", '1', 'packed', 'ünïcode'),
    E("local j = cmsgpack.unpack(redis.call('GET', KEYS[1])) return {j.id, j.name, #j.data}", '1', 'packed'),
  ),

  'corpus: Lua 5.1 number printing': S(
    'SCRIPT FLUSH',
    each(NUMBERS, 'tostring(x)'),
    each(NUMBERS, "x .. ''"),
    each(NUMBERS, "string.format('%s', x)"),
    each(NUMBERS, "string.format('%.14g', x)"),
    each(NUMBERS, "string.format('%d', x)"),
    each(NUMBERS, "string.format('%5.2f|%e|%g|%x', x, x, x, math.abs(x) % 2^31)"),
    E0('return {tostring(1/0), tostring(-1/0), tostring(math.huge), tostring(-math.huge)}'),
    E0("return {tostring(tonumber('0x10')), tostring(tonumber('  5  ')), tostring(tonumber('1e1')), tostring(tonumber('10', 2)), tostring(tonumber('zz', 36)), tostring(tonumber('')), tostring(tonumber('1 2')), tostring(tonumber('.5')), tostring(tonumber('5.'))}"),
    E0('return {math.floor(3.7), math.ceil(3.2), math.fmod(7, 3), math.mod(-7, 3), tostring(math.pow(2, 0.5)), tostring(7 % -3), tostring(-7 % 3), tostring(2^-1)}'),
    E0('return {3.99, -3.99, 2^31, -(2^31), 1e15, 0.5}'),
    E0("redis.setresp(3) return {3.99, 0.5, 1e15}"),
    E0("return {tostring(123456789012), tostring(1234567890123456), tostring(12345678901234567), tostring(-0.0001)}"),
    E("redis.call('SET', KEYS[1], 1/3) redis.call('RPUSH', KEYS[2], 0.1, 1e16, 2^53, -0) return redis.call('LRANGE', KEYS[2], 0, -1)", '2', 'n1', 'n2'),
    'GET n1',
    E("return redis.call('INCRBYFLOAT', KEYS[1], 0.1)", '1', 'f'),
    E("return tonumber(redis.call('INCRBYFLOAT', KEYS[1], 1e15)) * 2", '1', 'f'),
  ),

  'corpus: struct.pack and struct.unpack': S(
    'SCRIPT FLUSH',
    E0("return struct.pack('>I2I4', 258, 16909060)"),
    E0("return struct.pack('<i2i4', -2, -16909060)"),
    E0("return struct.pack('bBhHlL', -1, 255, -300, 65000, -70000, 70000)"),
    E0("return struct.pack('>i8', 1234567890123)"),
    E0("return struct.pack('<d', 1.5) .. struct.pack('>f', -0.25)"),
    E0("return struct.pack('s', 'zero-terminated')"),
    E0("return struct.pack('c5', 'abcdefg')"),
    E0("return struct.pack('c0', 'abc')"),
    E0("return struct.pack('!4 b i4', 1, 2)"),
    E0("return struct.pack('>xBx', 7)"),
    E0("return {struct.unpack('>I2I4', struct.pack('>I2I4', 258, 16909060))}"),
    E0("return {struct.unpack('<i2i4', struct.pack('<i2i4', -2, -16909060))}"),
    E0("local v = struct.unpack('<d', struct.pack('<d', 1.5)) return tostring(v)"),
    E0("return {struct.unpack('s', 'abc\\0def\\0')}"),
    E0("return {struct.unpack('c3', 'abcdef')}"),
    E0("return {struct.unpack('>I2', 'abcdef', 3)}"),
    E0("return {struct.size('>I2I4d'), struct.size('!8 b d')}"),
    E0("return pcall(struct.unpack, '>I4', 'ab')"),
    E0("return pcall(struct.pack, 'q', 1)"),
    E0("return pcall(struct.pack, 'i17', 1)"),
    // a counter record packed into a string value and updated in place
    E("local rec = redis.call('GET', KEYS[1]) local n, t = 0, 0 if rec then n, t = struct.unpack('>I4I4', rec) end redis.call('SET', KEYS[1], struct.pack('>I4I4', n + 1, ARGV[1])) return {n + 1, t}", '1', 'rec', '1700000000'),
    E("local n, t = struct.unpack('>I4I4', redis.call('GET', KEYS[1])) return {n, t}", '1', 'rec'),
    'GET rec',
  ),

  'corpus: bit operations': S(
    'SCRIPT FLUSH',
    E0("return {bit.band(0xff, 0x0f0), bit.bor(1, 2, 4), bit.bxor(0xf0f0, 0xffff), bit.bnot(0), bit.band(-1, 0xffffffff)}"),
    E0('return {bit.lshift(1, 31), bit.lshift(1, 32), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.arshift(256, 4)}'),
    E0('return {bit.rol(0x12345678, 8), bit.ror(0x12345678, 8), bit.bswap(0x12345678)}'),
    E0("return {bit.tohex(255), bit.tohex(-1), bit.tohex(0x1234, 2), bit.tohex(0x1234, -8), bit.tohex(65535, 0)}"),
    E0('return {bit.tobit(2^32 + 5), bit.tobit(-1), bit.tobit(0xffffffff), bit.tobit(2^31)}'),
    E0('return {bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5)}'),
    E0("return pcall(bit.band, 'x', 1)"),
    // a Bloom-style filter over SETBIT, hashes from bit ops on the byte values
    E(
      `local function h(s, seed)
  local x = seed
  for i = 1, #s do x = bit.bxor(bit.rol(x, 5), s:byte(i)) end
  return bit.band(x, 1023)
end
local hits = 0
for _, seed in ipairs({7, 131, 8191}) do
  hits = hits + redis.call('SETBIT', KEYS[1], h(ARGV[1], seed), 1)
end
return hits`,
      '1', 'bloom', 'alice',
    ),
    E("local h = 0 for _, s in ipairs({7, 131, 8191}) do local x = s for i = 1, #ARGV[1] do x = bit.bxor(bit.rol(x, 5), ARGV[1]:byte(i)) end h = h + redis.call('GETBIT', KEYS[1], bit.band(x, 1023)) end return h", '1', 'bloom', 'alice'),
    'BITCOUNT bloom',
  ),

  'corpus: RESP3 maps from several streams in a script': S(
    'SCRIPT FLUSH',
    ...'abcdefghijkl'.split('').map((c) => `XADD st${c} 1-1 f ${c}`),
    E0("redis.setresp(3) local r = redis.call('XREAD', 'STREAMS', 'sta', 'stb', 'stc', 'std', 'ste', 'stf', 'stg', 'sth', 'sti', 'stj', 'stk', 'stl', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) local o = {} for k in pairs(r.map) do o[#o + 1] = k end return o"),
    E0("redis.setresp(3) return redis.call('XREAD', 'COUNT', 1, 'STREAMS', 'sta', 'stb', 'stc', 'std', 'ste', 'stf', 'stg', 'sth', 'sti', 'stj', 'stk', 'stl', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)"),
  ),
};

describeScripts('compat script corpus', scripts, { servers });
