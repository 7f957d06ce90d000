/**
 * maxmemory eviction per policy: which keys go first, what is refused with
 * -OOM, and what an eviction does besides deleting (event, WATCH, DEL
 * propagated, evicted_keys). Each test sets the policy and maxmemory with
 * CONFIG SET on an emptied server; values are 1,000 bytes so a few hundred
 * keys fill a limit of a few hundred KB.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type Redis from 'ioredis';
import { RawClient, Running, client, sleep, startTredis } from '../helpers';

const VALUE = 'v'.repeat(1000);
const OOM = "OOM command not allowed when used memory > 'maxmemory'.";

let srv: Running;
let r: Redis;
const propagated: string[][] = [];

beforeAll(async () => {
  srv = await startTredis();
  r = client(srv.port);
  srv.server.addPropagateSink((_dbid: number, argv: string[]) => propagated.push(argv));
});
afterAll(async () => {
  r.disconnect();
  await srv.close();
});
beforeEach(async () => {
  await r.config('SET', 'maxmemory', '0');
  await r.flushall();
  await r.config('SET', 'maxmemory-policy', 'noeviction');
  await r.config('SET', 'notify-keyspace-events', '');
  propagated.length = 0;
});

async function evictedKeys(): Promise<number> {
  const info = await r.info('stats');
  return Number(/evicted_keys:(\d+)/.exec(info)![1]);
}

/** SET keys prefix:0..n-1 in one pipeline; the replies (OK or the error). */
async function fill(prefix: string, n: number, ttl = 0): Promise<(string | Error)[]> {
  const p = r.pipeline();
  for (let i = 0; i < n; i++) {
    if (ttl > 0) p.set(`${prefix}:${i}`, VALUE, 'EX', ttl + i);
    else p.set(`${prefix}:${i}`, VALUE);
  }
  const res = (await p.exec())!;
  return res.map(([e, v]) => (e ? e : (v as string)));
}

async function present(prefix: string, n: number): Promise<number> {
  const p = r.pipeline();
  for (let i = 0; i < n; i++) p.exists(`${prefix}:${i}`);
  const res = (await p.exec())!;
  return res.reduce((acc, [, v]) => acc + (v as number), 0);
}

describe('maxmemory eviction', () => {
  it('noeviction refuses writes with -OOM once full and keeps serving reads and deletes', async () => {
    await r.config('SET', 'maxmemory', '300kb');
    const res = await fill('k', 1000);
    const refused = res.filter((x) => x instanceof Error);
    expect(refused.length).toBeGreaterThan(0);
    expect((refused[0] as Error).message).toBe(OOM);
    expect(await r.get('k:0')).toBe(VALUE);
    await expect(r.incr('counter')).rejects.toThrow(OOM);
    expect(await r.del('k:0')).toBe(1);
    expect(await evictedKeys()).toBe(0);
  });

  it('allkeys-lru evicts the keys idle longest first', async () => {
    await r.config('SET', 'maxmemory', '600kb');
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await fill('old', 200);
    // the LRU clock counts seconds
    await sleep(2100);
    await fill('new', 200);
    const before = await evictedKeys();
    await fill('more', 300);
    const evicted = (await evictedKeys()) - before;
    expect(evicted).toBeGreaterThan(100);
    const oldLeft = await present('old', 200);
    const newLeft = await present('new', 200);
    // the idle keys went first: nearly every eviction took an "old" key
    expect(200 - oldLeft).toBeGreaterThan(evicted * 0.9);
    expect(newLeft).toBeGreaterThan(190);
  }, 15000);

  it('allkeys-lfu keeps the keys read often', async () => {
    await r.config('SET', 'maxmemory', '600kb');
    await r.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    await fill('hot', 100);
    const p = r.pipeline();
    for (let round = 0; round < 30; round++) for (let i = 0; i < 100; i++) p.get(`hot:${i}`);
    await p.exec();
    for (let i = 0; i < 10; i++) await fill(`cold${i}`, 100);
    expect(await evictedKeys()).toBeGreaterThan(300);
    expect(await present('hot', 100)).toBeGreaterThanOrEqual(95);
    expect(Number(await r.object('FREQ', 'hot:0'))).toBeGreaterThan(5);
  });

  it('volatile-ttl evicts the nearest expiry first and never a key without TTL', async () => {
    await r.config('SET', 'maxmemory', '600kb');
    await r.config('SET', 'maxmemory-policy', 'volatile-ttl');
    await fill('persist', 100);
    // ttl:i expires in 1000 + i seconds
    await fill('ttl', 300, 1000);
    expect(await evictedKeys()).toBeGreaterThan(0);
    expect(await present('persist', 100)).toBe(100);
    // what is left of the volatile keys is the latest to expire
    const left: number[] = [];
    for (let i = 0; i < 300; i++) if (await r.exists(`ttl:${i}`)) left.push(i);
    expect(left.length).toBeGreaterThan(0);
    expect(left[0]).toBeGreaterThan(300 - left.length - 20);
  });

  it('volatile policies touch no key without a TTL: with none left, writes are refused', async () => {
    for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
      await r.config('SET', 'maxmemory', '0');
      await r.flushall();
      await r.config('SET', 'maxmemory-policy', policy);
      await r.config('SET', 'maxmemory', '300kb');
      const res = await fill('persist', 600);
      expect(res.some((x) => x instanceof Error && x.message === OOM)).toBe(true);
      const kept = await r.dbsize();
      expect(await present('persist', kept)).toBe(kept);
    }
  });

  it('allkeys-random evicts from any db and keeps within the limit', async () => {
    await r.config('SET', 'maxmemory', '300kb');
    await r.config('SET', 'maxmemory-policy', 'allkeys-random');
    const r1 = client(srv.port, { db: 1 });
    for (let i = 0; i < 150; i++) await r1.set(`db1:${i}`, VALUE);
    const res = await fill('k', 600);
    expect(res.every((x) => x === 'OK')).toBe(true);
    expect(await evictedKeys()).toBeGreaterThan(300);
    expect(await r1.dbsize()).toBeLessThan(150);
    r1.disconnect();
  });

  it('an eviction fires the evicted event, invalidates WATCH and propagates DEL', async () => {
    await r.config('SET', 'notify-keyspace-events', 'Ee');
    const sub = client(srv.port);
    const events: string[] = [];
    sub.on('message', (_ch: string, key: string) => events.push(key));
    await sub.subscribe('__keyevent@0__:evicted');
    await fill('k', 100);
    const w = client(srv.port);
    await w.watch('k:0');
    const before = await evictedKeys();
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await r.config('SET', 'maxmemory', '100kb');
    // the next command evicts down to the limit
    await r.set('trigger', '1');
    await sleep(50);
    const evicted = (await evictedKeys()) - before;
    expect(evicted).toBeGreaterThan(0);
    expect(events.length).toBe(evicted);
    const dels = propagated.filter((a) => a[0] === 'DEL');
    expect(dels.length).toBe(evicted);
    // k:0 is gone or not: either way WATCH saw every eviction; it was evicted when its DEL went out
    if (dels.some((a) => a[1] === 'k:0')) {
      const res = await w.multi().set('k:0', 'x').exec();
      expect(res).toBeNull();
    }
    w.disconnect();
    sub.disconnect();
  });

  it('lazyfree-lazy-eviction propagates UNLINK', async () => {
    await r.config('SET', 'lazyfree-lazy-eviction', 'yes');
    await fill('k', 100);
    await r.config('SET', 'maxmemory-policy', 'allkeys-lru');
    await r.config('SET', 'maxmemory', '50kb');
    await r.set('trigger', '1');
    expect(propagated.some((a) => a[0] === 'UNLINK')).toBe(true);
    expect(propagated.some((a) => a[0] === 'DEL')).toBe(false);
    await r.config('SET', 'lazyfree-lazy-eviction', 'no');
  });

  it('scripts: the first deny-oom call fails, allow-oom and no-writes scripts run, MULTI queues are refused', async () => {
    await r.set('a', '1');
    await r.config('SET', 'maxmemory', '1');
    await expect(r.eval("return redis.call('set','x','y')", 0)).rejects.toThrow(`${OOM} script:`);
    expect(await r.eval("#!lua flags=no-writes\nreturn redis.call('get','a')", 0)).toBe('1');
    expect(await r.eval("#!lua flags=allow-oom\nreturn redis.call('set','a','2')", 0)).toBe('OK');
    await expect(r.eval("#!lua\nreturn redis.call('get','a')", 0)).rejects.toThrow(OOM);
    const m = client(srv.port);
    const res = await m.multi().set('k', 'v').get('a').exec().catch((e: Error) => e);
    expect(String(res)).toContain('EXECABORT');
    m.disconnect();
  });

  it('OBJECT IDLETIME and FREQ follow the policy', async () => {
    await r.set('k', 'v');
    await sleep(1100);
    expect(await r.object('IDLETIME', 'k')).toBeGreaterThanOrEqual(1);
    await expect(r.object('FREQ', 'k')).rejects.toThrow('An LFU maxmemory policy is not selected');
    await r.config('SET', 'maxmemory-policy', 'allkeys-lfu');
    await expect(r.object('IDLETIME', 'k')).rejects.toThrow('An LFU maxmemory policy is selected');
    await r.set('n', 'v');
    expect(await r.object('FREQ', 'n')).toBe(5);
    await r.get('n');
    expect(await r.object('FREQ', 'n')).toBe(6);
  });
});

describe('client eviction (maxmemory-clients)', () => {
  it('closes the client holding the most memory, never a no-evict one, and counts it', async () => {
    // a server of its own: the clients above keep the buffers their pipelines grew
    const own = await startTredis({ 'maxmemory-clients': '128kb' });
    const c = client(own.port);
    // ioredis's typings know no CLIENT NO-EVICT
    await c.call('CLIENT', 'NO-EVICT', 'on');
    const evictedClients = async () => Number(/evicted_clients:(\d+)/.exec(await c.info('stats'))![1]);
    const protectedClient = await RawClient.connect(own.port);
    protectedClient.write('CLIENT NO-EVICT on\r\n');
    expect(await protectedClient.read()).toBe('+OK\r\n');
    const hog = await RawClient.connect(own.port);
    // a bulk of 300 KB announced and half sent: the query buffers hold it
    const partial = `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$300000\r\n${'x'.repeat(150000)}`;
    protectedClient.write(partial);
    hog.write(partial);
    await sleep(500);
    expect(hog.closed).toBe(true);
    expect(protectedClient.closed).toBe(false);
    expect(await evictedClients()).toBe(1);
    protectedClient.close();
    c.disconnect();
    await own.close();
  });
});
