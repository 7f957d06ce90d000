/**
 * The output-buffer limit rule (server/obuf.ts), as Redis 7.0's
 * checkClientOutputBufferLimits: hard at once, soft once over it for more
 * than the soft seconds of whole-second unix time, the timer cleared under
 * it; the class by getClientType. The end-to-end behaviour, compared with a
 * real redis-server, is in test/integration/output-buffer-limit.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { outputBufferLimitReached, smallestLimit } from '../../src/server/obuf';
import { clock } from '../../src/server/clock';
import type { Client } from '../../src/server/client';
import type { Server } from '../../src/server/server';
import type { ClientOutputBufferLimits } from '../../src/config/table';

const limits: ClientOutputBufferLimits = {
  normal: { hard: 1000, soft: 0, softSeconds: 0 },
  replica: { hard: 0, soft: 0, softSeconds: 0 },
  pubsub: { hard: 5000, soft: 100, softSeconds: 2 },
};
const srv = { settings: { clientOutputBufferLimits: limits } } as unknown as Server;

function fakeClient(over: Partial<Client> = {}): Client {
  return { pubsub: null, monitor: false, flags: '', obufSoftLimitReachedTime: 0, ...over } as unknown as Client;
}
const subscriber = () => fakeClient({ pubsub: { channels: new Set(['ch']), patterns: new Set(), shard: new Set() } });

const saved = clock.ms;
afterEach(() => {
  clock.ms = saved;
});

describe('outputBufferLimitReached', () => {
  it('hard limit: reached at once, at exactly the limit', () => {
    const c = fakeClient();
    expect(outputBufferLimitReached(srv, c, 999)).toBe(false);
    expect(outputBufferLimitReached(srv, c, 1000)).toBe(true);
  });

  it('the class: a subscriber is pubsub, a MONITOR client normal', () => {
    expect(outputBufferLimitReached(srv, subscriber(), 1000)).toBe(false);
    expect(outputBufferLimitReached(srv, subscriber(), 5000)).toBe(true);
    expect(outputBufferLimitReached(srv, fakeClient({ monitor: true, flags: 'S' }), 1000)).toBe(true);
  });

  it('0 disables a limit', () => {
    const c = fakeClient({ monitor: true, flags: 'S' });
    const none: ClientOutputBufferLimits = { ...limits, normal: { hard: 0, soft: 0, softSeconds: 0 } };
    expect(outputBufferLimitReached({ settings: { clientOutputBufferLimits: none } } as unknown as Server, c, 1e12)).toBe(false);
  });

  it('soft limit: reached once over it for more than the soft seconds (whole seconds)', () => {
    const c = subscriber();
    clock.ms = 1_000_000_900; // second 1_000_000, late in it
    expect(outputBufferLimitReached(srv, c, 100)).toBe(false); // the timer starts
    expect(c.obufSoftLimitReachedTime).toBe(1_000_000);
    clock.ms = 1_000_002_999; // elapsed 2 <= 2: kept
    expect(outputBufferLimitReached(srv, c, 4000)).toBe(false);
    clock.ms = 1_000_003_000; // elapsed 3 > 2 (2.1 s after it started)
    expect(outputBufferLimitReached(srv, c, 4000)).toBe(true);
  });

  it('soft limit: the timer is cleared once under it', () => {
    const c = subscriber();
    clock.ms = 1_000_000_000;
    expect(outputBufferLimitReached(srv, c, 200)).toBe(false);
    clock.ms = 1_000_002_000;
    expect(outputBufferLimitReached(srv, c, 99)).toBe(false);
    expect(c.obufSoftLimitReachedTime).toBe(0);
    clock.ms = 1_000_004_000;
    expect(outputBufferLimitReached(srv, c, 200)).toBe(false); // a new period
    expect(c.obufSoftLimitReachedTime).toBe(1_000_004);
  });
});

describe('smallestLimit', () => {
  it('is the smallest non-zero limit of any class, Infinity when none', () => {
    expect(smallestLimit(limits)).toBe(100);
    const zero = { hard: 0, soft: 0, softSeconds: 0 };
    expect(smallestLimit({ normal: zero, replica: zero, pubsub: zero })).toBe(Infinity);
  });
});
