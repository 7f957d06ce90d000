/**
 * Reading a key whole on both servers for the DUMP / RESTORE differential
 * tests (dump-restore*.test.ts): replies as plain values, hashtable orders
 * sorted, streams through XRANGE, XINFO STREAM FULL, XINFO GROUPS and
 * XPENDING.
 */
import { afterAll, beforeAll } from 'vitest';
import type Redis from 'ioredis';
import type { Args, Servers } from './harness';
import { client } from '../helpers';

export type Plain = string | number | null | Plain[];

export function plain(x: unknown): Plain {
  if (Buffer.isBuffer(x)) return x.toString('latin1');
  if (Array.isArray(x)) return x.map(plain);
  if (x === null || x === undefined) return null;
  if (typeof x === 'number' || typeof x === 'string') return x;
  return String(x);
}

export async function call(cl: Redis, args: Args): Promise<Plain> {
  try {
    return plain(await cl.callBuffer(String(args[0]), ...args.slice(1)));
  } catch (e) {
    return `ERR ${(e as Error).message}`;
  }
}

export function pairsSorted(flat: Plain): Plain {
  if (!Array.isArray(flat)) return flat;
  const pairs: Plain[][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
  return pairs.sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
}

export const sorted = (x: Plain): Plain => (Array.isArray(x) ? [...x].sort() : x);

/** Everything a client can read of a key (hashtable orders sorted). */
export async function reads(cl: Redis, key: string): Promise<Record<string, Plain>> {
  const type = String(await call(cl, ['TYPE', key]));
  const enc = String(await call(cl, ['OBJECT', 'ENCODING', key]));
  const out: Record<string, Plain> = { type, enc, pexpiretime: await call(cl, ['PEXPIRETIME', key]) };
  switch (type) {
    case 'string':
      out.value = await call(cl, ['GET', key]);
      break;
    case 'list':
      out.value = await call(cl, ['LRANGE', key, '0', '-1']);
      break;
    case 'set':
      out.value = await call(cl, ['SMEMBERS', key]);
      if (enc !== 'intset') out.value = sorted(out.value);
      break;
    case 'hash':
      out.value = await call(cl, ['HGETALL', key]);
      if (enc !== 'listpack') out.value = pairsSorted(out.value);
      break;
    case 'zset':
      out.value = await call(cl, ['ZRANGE', key, '0', '-1', 'WITHSCORES']);
      out.scan = await call(cl, ['ZSCAN', key, '0', 'COUNT', '1000']);
      if (enc !== 'listpack') out.scan = null;
      break;
    case 'stream': {
      out.value = await call(cl, ['XRANGE', key, '-', '+']);
      out.full = await call(cl, ['XINFO', 'STREAM', key, 'FULL']);
      out.groups = await call(cl, ['XINFO', 'GROUPS', key]);
      const groups = Array.isArray(out.groups) ? out.groups : [];
      for (const g of groups) {
        const name = Array.isArray(g) ? String(g[1]) : '';
        out['pending ' + name] = await call(cl, ['XPENDING', key, name]);
      }
      break;
    }
  }
  return out;
}

export const argsOf = (c: string | Args): Args => (typeof c === 'string' ? (c.match(/"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^"(.*)"$/, '$1')) : c);

/** An ioredis client to each server for the enclosing describe block (filled in by beforeAll). */
export function useClients(servers: Servers): { r: Redis; t: Redis } {
  const c = {} as { r: Redis; t: Redis };
  beforeAll(() => {
    c.r = client(servers.redis);
    c.t = client(servers.tredis);
  });
  afterAll(() => {
    c.r.disconnect();
    c.t.disconnect();
  });
  return c;
}

/** `n` values made by f. */
export const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
