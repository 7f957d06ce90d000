/**
 * Pub/Sub through ioredis, as applications use it: subscribe, psubscribe
 * and ssubscribe on one connection, publish from another, messages in
 * order, and the subscriber's connection back to normal after unsubscribing.
 */
import { describe, expect, it } from 'vitest';
import { client, useServerFixture, waitFor } from '../helpers';

const fx = useServerFixture();

describe('ioredis subscribers', () => {
  it('receive channel, pattern and shard messages in order', async () => {
    const sub = client(fx.srv.port);
    const pub = client(fx.srv.port);
    const got: string[] = [];
    try {
      sub.on('message', (ch: string, msg: string) => got.push(`message ${ch} ${msg}`));
      sub.on('pmessage', (p: string, ch: string, msg: string) => got.push(`pmessage ${p} ${ch} ${msg}`));
      sub.on('smessage', (ch: string, msg: string) => got.push(`smessage ${ch} ${msg}`));
      expect(await sub.subscribe('news', 'sports')).toBe(2);
      expect(await sub.psubscribe('n*')).toBe(3);
      expect(await sub.ssubscribe('orders')).toBe(1);
      for (let i = 0; i < 100; i++) expect(await pub.publish('news', `n${i}`)).toBe(2);
      expect(await pub.publish('sports', 'goal')).toBe(1);
      expect(await pub.spublish('orders', 'o1')).toBe(1);
      await waitFor(() => got.length === 202);
      const expected: string[] = [];
      for (let i = 0; i < 100; i++) expected.push(`message news n${i}`, `pmessage n* news n${i}`);
      expect(got).toEqual([...expected, 'message sports goal', 'smessage orders o1']);
      expect(await pub.pubsub('NUMSUB', 'news', 'sports', 'none')).toEqual(['news', 1, 'sports', 1, 'none', 0]);
      await sub.unsubscribe('news', 'sports');
      await sub.punsubscribe('n*');
      await sub.sunsubscribe('orders');
      expect(await sub.set('k', 'v')).toBe('OK');
      expect(await pub.publish('news', 'late')).toBe(0);
    } finally {
      sub.disconnect();
      pub.disconnect();
    }
  });
});
