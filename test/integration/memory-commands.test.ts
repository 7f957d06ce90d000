/**
 * MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS and INFO memory on tredis's
 * own figures (the differential tests in test/compat/memory.test.ts check
 * names, order, errors and texts against Redis): USAGE is the accounted
 * size the keyspace keeps (memory/estimate.ts), used_memory is
 * usedMemory(), and the breakdown adds up.
 */
import { describe, expect, it } from 'vitest';
import { useServerFixture } from '../helpers';
/* eslint-disable @typescript-eslint/no-var-requires */
const { keyBytes, valueBytes } = require('../../dist/memory/estimate.js') as typeof import('../../src/memory/estimate');
const { usedMemory } = require('../../dist/memory/used.js') as typeof import('../../src/memory/used');
/* eslint-enable @typescript-eslint/no-var-requires */

const fx = useServerFixture();

/** INFO memory as a map. */
async function memInfo(): Promise<Map<string, string>> {
  const text = await fx.r.cmd('INFO', 'memory');
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const c = line.indexOf(':');
    if (c > 0) m.set(line.slice(0, c), line.slice(c + 1));
  }
  return m;
}

/** MEMORY STATS (RESP2) as a map of top-level names to raw values. */
async function memStats(): Promise<Map<string, string>> {
  const text = await fx.r.cmd('MEMORY', 'STATS');
  const lines = text.split('\r\n');
  const m = new Map<string, string>();
  // *N, then $len name, then :int or $len double or *6 (a db)
  let i = 1;
  while (i < lines.length - 1) {
    const name = lines[i + 1];
    const t = lines[i + 2];
    if (t.startsWith(':')) {
      m.set(name, t.slice(1));
      i += 3;
    } else if (t.startsWith('$')) {
      m.set(name, lines[i + 3]);
      i += 4;
    } else {
      // a db: *6 and three name/int pairs
      m.set(name, lines.slice(i + 3, i + 3 + 9).join(' '));
      i += 3 + 9;
    }
  }
  return m;
}

const int = (s: string): number => Number(/^:(-?\d+)\r\n$/.exec(s)![1]);

describe('MEMORY USAGE', () => {
  it('answers the accounted size of key and value, with the samples asked for', async () => {
    const db = fx.srv.server.keyspace.dbs[0];
    await fx.r.cmd('SET', 'small', 'v'.repeat(10));
    await fx.r.cmd('SET', 'large', 'v'.repeat(10000));
    await fx.r.cmd('RPUSH', 'list', ...Array.from({ length: 1000 }, (_, i) => `item:${i}:${'x'.repeat(20 + (i % 3))}`));
    await fx.r.cmd('HSET', 'hash', ...Array.from({ length: 1000 }, (_, i) => [`f${i}`, 'y'.repeat(100 + (i % 5))]).flat());
    for (const key of ['small', 'large', 'list', 'hash']) {
      const v = db.dict.get(key)!;
      expect(int(await fx.r.cmd('MEMORY', 'USAGE', key))).toBe(keyBytes(key) + valueBytes(v));
      expect(int(await fx.r.cmd('MEMORY', 'USAGE', key, 'SAMPLES', '0'))).toBe(keyBytes(key) + valueBytes(v, 0));
      expect(int(await fx.r.cmd('MEMORY', 'USAGE', key, 'SAMPLES', '17'))).toBe(keyBytes(key) + valueBytes(v, 17));
    }
    expect(int(await fx.r.cmd('MEMORY', 'USAGE', 'large'))).toBeGreaterThan(10000);
    expect(int(await fx.r.cmd('MEMORY', 'USAGE', 'small'))).toBeLessThan(200);
    // elements of about the same size: a sample is close to the full walk
    for (const key of ['list', 'hash']) {
      const sampled = int(await fx.r.cmd('MEMORY', 'USAGE', key));
      const full = int(await fx.r.cmd('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
      expect(Math.abs(sampled - full) / full).toBeLessThan(0.1);
    }
  });
});

describe('INFO memory and MEMORY STATS', () => {
  it('used_memory is usedMemory(): startup + overheads + the accounted dataset', async () => {
    const info = await memInfo();
    const used = Number(info.get('used_memory'));
    expect(used).toBe(usedMemory(fx.srv.server));
    expect(used).toBeGreaterThanOrEqual(Number(info.get('used_memory_startup')));
    expect(Number(info.get('used_memory_peak'))).toBeGreaterThanOrEqual(used);
    expect(info.get('mem_allocator')).toMatch(/^v8-\d+\./);
    // pending query and reply bytes only: an idle client holds none
    expect(info.get('mem_clients_normal')).toMatch(/^\d+$/);
    expect(Number(info.get('mem_not_counted_for_evict'))).toBe(Number(info.get('used_memory_startup')) + Number(info.get('mem_aof_buffer')));
    expect(usedMemory(fx.srv.server, true)).toBe(used - Number(info.get('mem_not_counted_for_evict')));
    expect(info.get('used_memory_human')).toMatch(/^\d+\.\d\d[KMG]$/);
    expect(info.get('mem_fragmentation_ratio')).toMatch(/^\d+\.\d\d$/);
  });

  it('MEMORY STATS agrees with INFO memory and lists the dbs that hold keys', async () => {
    await fx.r.cmd('SET', 'a', '1');
    await fx.r.cmd('SELECT', '5');
    await fx.r.cmd('SET', 'b', '2', 'EX', '1000');
    await fx.r.cmd('SELECT', '0');
    const st = await memStats();
    const info = await memInfo();
    expect(st.get('startup.allocated')).toBe(info.get('used_memory_startup'));
    expect(st.get('keys.count')).toBe('2');
    expect([...st.keys()].filter((k) => k.startsWith('db.'))).toEqual(['db.0', 'db.5']);
    expect(st.get('db.5')).toMatch(/^\$23 overhead\.hashtable\.main :\d+ \$26 overhead\.hashtable\.expires :[1-9]\d* \$31 overhead\.hashtable\.slot-to-keys :0$/);
    const used = Number(st.get('total.allocated'));
    const startup = Number(st.get('startup.allocated'));
    expect(Number(st.get('keys.bytes-per-key'))).toBe(Math.floor((used - startup) / 2));
    expect(Number(st.get('peak.allocated'))).toBeGreaterThanOrEqual(used);
  });

  it('counts the script caches', async () => {
    const before = await memInfo();
    await fx.r.cmd('SCRIPT', 'LOAD', `return '${'z'.repeat(2000)}'`);
    await fx.r.cmd('FUNCTION', 'LOAD', `#!lua name=memlib\nredis.register_function('memf', function() return '${'w'.repeat(3000)}' end)`);
    const after = await memInfo();
    expect(Number(after.get('used_memory_scripts_eval')) - Number(before.get('used_memory_scripts_eval'))).toBeGreaterThan(2000);
    expect(Number(after.get('used_memory_functions')) - Number(before.get('used_memory_functions'))).toBeGreaterThan(3000);
    expect(Number(after.get('used_memory_scripts'))).toBe(Number(after.get('used_memory_scripts_eval')) + Number(after.get('used_memory_functions')));
    expect(Number(after.get('used_memory_overhead')) - Number(before.get('used_memory_overhead'))).toBeGreaterThan(5000);
    await fx.r.cmd('SCRIPT', 'FLUSH');
    await fx.r.cmd('FUNCTION', 'FLUSH');
    expect((await memInfo()).get('used_memory_scripts_eval')).toBe('0');
  });

  it('reads the lazy-free counters from the server stats when a layer keeps them', async () => {
    const stats = fx.srv.server.stats as unknown as Record<string, number>;
    stats.lazyfreedObjects = 7;
    stats.lazyfreePendingObjects = 3;
    try {
      const info = await memInfo();
      expect(info.get('lazyfreed_objects')).toBe('7');
      expect(info.get('lazyfree_pending_objects')).toBe('3');
    } finally {
      delete stats.lazyfreedObjects;
      delete stats.lazyfreePendingObjects;
    }
  });
});

describe('MEMORY DOCTOR and MALLOC-STATS', () => {
  it('reports from the same figures: empty, then a peak far above the current use', async () => {
    // a db's accounted bytes (the write path keeps them), raised and lowered by hand
    const db = fx.srv.server.keyspace.dbs[9];
    await fx.r.cmd('FLUSHALL');
    const empty = await fx.r.cmd('MEMORY', 'DOCTOR');
    expect(empty).toContain('Hi Sam, this instance is empty or is using very little memory');
    db.bytes += 200 * 1024 * 1024;
    try {
      const full = await fx.r.cmd('MEMORY', 'DOCTOR');
      expect(full).not.toContain('is empty');
      expect(full).toMatch(/Sam, I (detected a few issues|can't find any memory issue)/);
      db.bytes -= 150 * 1024 * 1024;
      const after = await fx.r.cmd('MEMORY', 'DOCTOR');
      expect(after).toContain(' * Peak memory: In the past this instance used more than 150% the memory that is currently using.');
      expect(after).toContain("I'm here to keep you safe, Sam. I want to help you.\n");
    } finally {
      db.bytes -= 50 * 1024 * 1024;
    }
  });

  it('MALLOC-STATS prints the V8 heap statistics', async () => {
    const text = await fx.r.cmd('MEMORY', 'MALLOC-STATS');
    expect(text).toMatch(/^\$\d+\r\n___ Begin V8 heap statistics ___\n/);
    expect(text).toContain('\nold_space ');
    expect(text).toMatch(/\nused_heap_size: \d+\n/);
    expect(text).toContain('--- End V8 heap statistics ---\n');
  });
});
