/**
 * Client-side caching as an ioredis application does it (RESP2): a
 * connection subscribed to `__redis__:invalidate` receives the
 * invalidations of a data connection that tracks with REDIRECT, and a local
 * cache stays correct while other clients write, flush and disconnect.
 */
import { describe, expect, it } from 'vitest';
import { client, useServerFixture, waitFor } from '../helpers';

const fx = useServerFixture();

function infoField(info: string, name: string): number {
  return Number(new RegExp(`${name}:(\\d+)`).exec(info)![1]);
}

describe('ioredis client-side cache through a redirect', () => {
  it('invalidates cached reads on writes, flushes and in BCAST mode', async () => {
    const sub = client(fx.srv.port);
    const data = client(fx.srv.port);
    const writer = client(fx.srv.port);
    const cache = new Map<string, string | null>();
    const invalidations: (string | null)[] = [];
    try {
      sub.on('messageBuffer', (_ch: Buffer, keys: Buffer[] | null) => {
        if (keys === null) {
          invalidations.push(null);
          cache.clear();
        } else {
          for (const k of keys) {
            invalidations.push(k.toString());
            cache.delete(k.toString());
          }
        }
      });
      const subId = await sub.client('ID');
      await sub.subscribe('__redis__:invalidate');
      expect(await data.client('TRACKING', 'ON', 'REDIRECT', String(subId))).toBe('OK');
      expect(await data.client('GETREDIR')).toBe(subId);
      const cachedGet = async (key: string): Promise<string | null> => {
        if (cache.has(key)) return cache.get(key)!;
        const v = await data.get(key);
        cache.set(key, v);
        return v;
      };

      await writer.mset('a', '1', 'b', '2');
      expect(await cachedGet('a')).toBe('1');
      expect(await cachedGet('b')).toBe('2');
      expect(await cachedGet('missing')).toBe(null);
      await writer.set('a', '10');
      await waitFor(() => !cache.has('a'));
      expect(await cachedGet('a')).toBe('10');
      expect(cache.get('b')).toBe('2');
      await writer.set('missing', 'now');
      await waitFor(() => !cache.has('missing'));
      expect(await cachedGet('missing')).toBe('now');

      // expiry invalidates too
      await writer.set('ttl', 'x', 'PX', 30);
      expect(await cachedGet('ttl')).toBe('x');
      await waitFor(() => !cache.has('ttl'), 3000);

      let info = await writer.info('clients');
      expect(infoField(info, 'tracking_clients')).toBe(1);
      info = await writer.info('stats');
      expect(infoField(info, 'tracking_total_keys')).toBe(3); // a, b, missing

      await writer.flushall();
      await waitFor(() => invalidations.includes(null));
      expect(cache.size).toBe(0);
      info = await writer.info('stats');
      expect(infoField(info, 'tracking_total_keys')).toBe(0);

      // BCAST: every change under the prefixes, whether read or not
      expect(await data.client('TRACKING', 'OFF')).toBe('OK');
      expect(await data.client('TRACKING', 'ON', 'REDIRECT', String(subId), 'BCAST', 'PREFIX', 'user:', 'PREFIX', 'cfg:')).toBe('OK');
      invalidations.length = 0;
      await writer.mset('user:1', 'a', 'user:2', 'b', 'other', 'c', 'cfg:x', 'y');
      await waitFor(() => invalidations.length === 3);
      expect(invalidations.sort()).toEqual(['cfg:x', 'user:1', 'user:2']);
      info = await writer.info('stats');
      expect(infoField(info, 'tracking_total_prefixes')).toBe(2);

      // the tracking client goes away: its state goes with it
      data.disconnect();
      await waitFor(() => fx.srv.server.tracking.clients === 0);
      info = await writer.info('stats');
      expect(infoField(info, 'tracking_total_prefixes')).toBe(0);
    } finally {
      sub.disconnect();
      data.disconnect();
      writer.disconnect();
    }
  });

  it('reports a redirect that went away, and recovers when re-enabled', async () => {
    const sub = client(fx.srv.port);
    const data = client(fx.srv.port);
    try {
      const subId = await sub.client('ID');
      await data.client('TRACKING', 'ON', 'REDIRECT', String(subId));
      await data.get('k');
      sub.disconnect();
      await waitFor(() => !fx.srv.server.clients.has(Number(subId)));
      await data.set('k', 'v');
      expect(await data.client('TRACKINGINFO')).toEqual(['flags', ['on', 'broken_redirect'], 'redirect', subId, 'prefixes', []]);
      expect((await data.client('INFO')) as string).toMatch(/ flags=tR /);
      await data.client('TRACKING', 'ON');
      expect(await data.client('TRACKINGINFO')).toEqual(['flags', ['on'], 'redirect', 0, 'prefixes', []]);
    } finally {
      sub.disconnect();
      data.disconnect();
    }
  });
});
