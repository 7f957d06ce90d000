/**
 * Lua scripts against a real redis-server: EVAL / EVALSHA / EVAL_RO /
 * EVALSHA_RO and SCRIPT, the redis API (call, pcall, error_reply,
 * status_reply, sha1hex, setresp, log, set_repl, acl_check_cmd...), the
 * conversions both ways in RESP2 and RESP3, shebang flags, the protected
 * globals and every error text with its script/line position; then a
 * corpus of scripts written as libraries write them (rate limiters, locks,
 * queues). Each script starts with SCRIPT FLUSH so both caches agree.
 */
import { describeScripts, S, Step, useServers } from './harness';

const servers = useServers();

const E = (body: string, ...rest: string[]): string[] => ['EVAL', body, ...rest];
const E0 = (body: string): string[] => ['EVAL', body, '0'];

const scripts: Record<string, Step[]> = {
  'EVAL arguments, KEYS and ARGV, the script cache': S(
    'SCRIPT FLUSH',
    E('return 1', '-1'),
    E('return 1', 'x'),
    E('return 1', '2', 'a'),
    E('return {KEYS[1], ARGV[1], #KEYS, #ARGV}', '1', 'a', 'b', 'c'),
    E('return {KEYS[1], KEYS[2], ARGV[1]}', '2', 'k1', 'k2'),
    'EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0',
    'SCRIPT LOAD "return 1"',
    'EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0',
    'EVALSHA E0E1F9FABFC9D4800C877A703B823AC0578FF8DB 0',
    'EVALSHA_RO e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0',
    'EVALSHA nosuch 0',
    'EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db x',
    'SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db nope E0E1F9FABFC9D4800C877A703B823AC0578FF8DB',
    E0('return 2'),
    'SCRIPT EXISTS 7f923f79fe76194c868d7e1d0820de36700eb649',
    'SCRIPT LOAD "return +"',
    'SCRIPT FLUSH ASYNC',
    'SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db',
    'SCRIPT FLUSH SYNC',
    'SCRIPT FLUSH bogus',
    'SCRIPT FLUSH sync extra',
    'SCRIPT KILL',
    'SCRIPT HELP',
    'SCRIPT DEBUG NO',
    'SCRIPT NOSUCH',
    'SCRIPT',
    'EVAL',
    'EVAL "return 1"',
    'INFO memory',
  ),
  'conversions from Lua to replies': S(
    'SCRIPT FLUSH',
    E0('return 3.99'),
    E0('return -3.99'),
    E0('return 1e20'),
    E0('return -0.5'),
    E0('return "str"'),
    E0('return true'),
    E0('return false'),
    E0('return nil'),
    E0('return {1, 2, nil, 4}'),
    E0("return {3.99, -3.99, true, false, {ok='st'}, 'x', {1, {2, 3}}}"),
    E0("return {ok='fine'}"),
    E0("return {ok='multi\\r\\nline'}"),
    E0("return {err='boom'}"),
    E0("return {err='MY boom'}"),
    E0("return {err=''}"),
    E0("return {1, {err='inner'}, 3}"),
    E0('return {}'),
    E0("return {a=1}"),
    E0('return {double=3.5}'),
    E0('return {double=-0.0}'),
    E0('return {map={a=1}}'),
    E0("return {big_number='123'}"),
    E0("return {verbatim_string={format='txt', string='hi'}}"),
    E0("return {set={a=true}}"),
    E0("redis.setresp(3) return {true, false}"),
    E0('return redis.status_reply("FINE")'),
    E0('return redis.error_reply("MY e")'),
    E0('return redis.error_reply("e2")'),
    E0('return redis.error_reply("-CODE with dash")'),
    E0('return redis.error_reply()'),
    E0('return redis.status_reply(1)'),
  ),
  'conversions from replies to Lua': S(
    'SCRIPT FLUSH',
    'SET s abc',
    'HSET h a 1',
    'RPUSH l x y',
    E0("return type(redis.call('get', 'nokey'))"),
    E0("return tostring(redis.call('get', 'nokey'))"),
    E0("return redis.call('get', 's')"),
    E0("return redis.call('incr', 'n')"),
    E0("return type(redis.call('incr', 'n'))"),
    E0("return redis.call('lrange', 'l', 0, -1)"),
    E0("return redis.call('hgetall', 'h')"),
    E0("return redis.call('ping')"),
    E0("return redis.call('ping').ok"),
    E0("return type(redis.call('ping'))"),
    E0("return redis.pcall('incr', 's')"),
    E0("return redis.pcall('incr', 's').err"),
    E0("return redis.call('set', 'k', 'v', 'GET')"),
    E0("redis.call('set', 'k', 0.1) return redis.call('get', 'k')"),
    E0("redis.call('set', 'k', 1e15) return redis.call('get', 'k')"),
    E0("redis.call('set', 'k', 5) return redis.call('get', 'k')"),
    E0("redis.call('set', 'k', -2.5) return redis.call('get', 'k')"),
    E0("redis.setresp(3) return redis.call('hgetall', 'h')"),
    E0("redis.setresp(3) return redis.call('hgetall', 'h').map.a"),
    E0("redis.setresp(3) return redis.call('hgetall', 'nokey')"),
    E0("redis.setresp(3) return type(redis.call('get', 'nokey'))"),
    E0("redis.setresp(3) return redis.call('smembers', 'nokey')"),
    E0("redis.setresp(3) return redis.call('zscore', 'nokey', 'm')"),
    'ZADD z 1.5 m',
    E0("redis.setresp(3) return redis.call('zscore', 'z', 'm')"),
    E0("redis.setresp(3) return redis.call('zscore', 'z', 'm').double"),
    E0("redis.setresp(2) return redis.call('zscore', 'z', 'm')"),
    E0('return redis.setresp(4)'),
    E0('return redis.setresp()'),
  ),
  'errors: redis.call, the sandbox, compilation': S(
    'SCRIPT FLUSH',
    'SET s abc',
    E0("return redis.call('incr', 's')"),
    E0("return redis.call('nosuch')"),
    E0("return redis.pcall('nosuch')"),
    E0("return redis.call('get')"),
    E0("return redis.call('subscribe', 'x')"),
    E0("return redis.call('blpop', 'nolist', '0')"),
    E0("return redis.call('config')"),
    E0("return redis.call('config', 'nosuch')"),
    E0('return redis.call()'),
    E0("return redis.call('set', 'k', {})"),
    E0("return redis.pcall('set', 'k', {})"),
    E0("return redis.call('set', 'k', nil)"),
    E0("return redis.call('set', 'k', true)"),
    E0('return x'),
    E0('x = 1'),
    E0('local a = 1\nlocal b = 2\nreturn undefined_thing'),
    E0("error('plain')"),
    E0("error({err='tbl'})"),
    E0("error({err='MY code'})"),
    E0('error()'),
    E0("local t = nil; return t.x"),
    E0("return 1 +"),
    E0("return 'unterminated"),
    E0('if true then'),
    E0("string.foo = 1"),
    E0('redis.call = nil'),
    E0('_G.x = 1'),
    E0('rawset(_G, "y", 1)'),
    E0("return type(rawget(_G, 'redis'))"),
    E0("return type(rawget(string, 'format'))"),
    E0("local k, v = next(_G) return type(k)"),
    E0("return redis.sha1hex()"),
    E0("return redis.log(99, 'x')"),
    E0("return redis.log(redis.LOG_NOTICE)"),
    E0("return redis.set_repl(9)"),
    E0("return redis.acl_check_cmd('nosuch')"),
    E0("local ok, e = pcall(redis.call, 'incr', 's') return e.err"),
    E0("local ok, e = pcall(error, 'x') return e"),
    'INFO errorstats',
  ),
  'the redis table': S(
    'SCRIPT FLUSH',
    E0("local t = {} for k, v in pairs(redis) do t[#t + 1] = k .. '=' .. type(v) end table.sort(t) return t"),
    E0('return {redis.REDIS_VERSION_NUM, redis.REDIS_VERSION, redis.REPL_ALL, redis.REPL_AOF, redis.REPL_REPLICA, redis.REPL_SLAVE, redis.REPL_NONE}'),
    E0('return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}'),
    E0('return {redis.replicate_commands(), redis.breakpoint()}'),
    E0('return redis.set_repl(redis.REPL_ALL)'),
    E0('return redis.debug("x")'),
    E0("return redis.sha1hex('')"),
    E0("return redis.sha1hex('abc')"),
    E0("return redis.sha1hex(123)"),
    E0("redis.log(redis.LOG_WARNING, 'from a script', 1, 2) return 1"),
    E0("return redis.acl_check_cmd('set', 'k', 'v')"),
    E0("return redis.acl_check_cmd('config', 'get')"),
  ),
  'shebang flags and read-only scripts': S(
    'SCRIPT FLUSH',
    ['EVAL_RO', "return redis.call('set', 'k', 1)", '0'],
    ['EVAL_RO', "return redis.call('get', 'k')", '0'],
    ['EVAL_RO', "return redis.pcall('set', 'k', 1)", '0'],
    E0("#!lua flags=no-writes\nreturn redis.call('set', 'k', 1)"),
    E0("#!lua flags=no-writes\nreturn redis.call('get', 'k')"),
    E0("#!lua\nreturn redis.call('set', 'k', 1)"),
    E0('#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1'),
    E0('#!lua flags=\nreturn 1'),
    E0('#!lua flags=bogus\nreturn 1'),
    E0('#!lua name=x\nreturn 1'),
    E0('#!luax\nreturn 1'),
    E0('#!lua'),
    E0('#!lua\nreturn x'),
    ['EVAL_RO', "#!lua\nreturn redis.call('set', 'k', 1)", '0'],
    'SCRIPT LOAD "#!lua flags=bogus\nreturn 1"',
  ),
  'scripts in transactions, SELECT inside a script': S(
    'SCRIPT FLUSH',
    'MULTI',
    E0("return redis.call('set', 'a', 1)"),
    E0("return redis.call('incr', 'a')"),
    'EXEC',
    'GET a',
    E0("redis.call('select', '1') redis.call('set', 'indb1', 'x') return redis.call('get', 'a')"),
    'GET indb1',
    'SELECT 1',
    'GET indb1',
    'SELECT 0',
    E0("return redis.call('blpop', 'nolist', 0)"),
    E0("return redis.call('multi')"),
    E0("return redis.call('eval', 'return 1', '0')"),
  ),
  // ---------------------------------------------------------------- corpus
  'corpus: a sliding-window rate limiter (ZSET)': S(
    'SCRIPT FLUSH',
    ...[1000, 1001, 1002, 1003, 1500, 2100, 2101].map((now) =>
      E(
        `local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, 0, now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, now .. '-' .. count)
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1}
end
return {0, 0}`,
        '1',
        'rl:user',
        String(now),
        '1000',
        '3',
      ),
    ),
    'ZRANGE rl:user 0 -1 WITHSCORES',
  ),
  'corpus: a token bucket (HASH)': S(
    'SCRIPT FLUSH',
    ...[0, 100, 200, 250, 1000, 1001, 5000].map((now) =>
      E(
        `local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local rate, cap, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens = tonumber(b[1]) or cap
local ts = tonumber(b[2]) or now
tokens = math.min(cap, tokens + (now - ts) * rate / 1000)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1 allowed = 1 end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
return {allowed, tostring(tokens)}`,
        '1',
        'tb',
        '2',
        '3',
        String(now),
      ),
    ),
    'HGETALL tb',
  ),
  'corpus: a lock released only by its owner': S(
    'SCRIPT FLUSH',
    'SET lock owner-a PX 100000 NX',
    'SET lock owner-b PX 100000 NX',
    E("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", '1', 'lock', 'owner-b'),
    E("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end", '1', 'lock', 'owner-a', '200000'),
    'PTTL lock',
    E("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", '1', 'lock', 'owner-a'),
    'EXISTS lock',
  ),
  'corpus: moving jobs between a list and a sorted set': S(
    'SCRIPT FLUSH',
    'RPUSH wait j1 j2 j3',
    ...['1000', '1001', '1002', '1003'].map((now) =>
      E(
        `local job = redis.call('LPOP', KEYS[1])
if not job then return false end
redis.call('ZADD', KEYS[2], ARGV[1], job)
redis.call('HINCRBY', KEYS[3], job, 1)
return {job, redis.call('ZCARD', KEYS[2])}`,
        '3',
        'wait',
        'active',
        'attempts',
        now,
      ),
    ),
    E(
      `local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
for i, job in ipairs(due) do
  redis.call('ZREM', KEYS[1], job)
  redis.call('RPUSH', KEYS[2], job)
end
return #due`,
      '2',
      'active',
      'wait',
      '1001',
    ),
    'LRANGE wait 0 -1',
    'ZRANGE active 0 -1 WITHSCORES',
    'HGETALL attempts',
  ),
};

describeScripts('compat scripting', scripts, { servers });
