/**
 * node-redis (the `redis` package, v5) against tredis, as applications use
 * it: subscribe / pSubscribe / sSubscribe with listeners, messages in order
 * with the channel (and, for patterns, the channel matched) passed to the
 * right listener, unsubscribing, the same over RESP3 (where the subscriber's
 * connection keeps serving ordinary commands), and MULTI/EXEC through
 * multi() with a WATCH conflict rejected as WatchError.
 */
import { describe, expect, it } from 'vitest';
import { ErrorReply, MultiErrorReply, WatchError, createClient } from 'redis';
import { useServerFixture, waitFor } from '../helpers';

const fx = useServerFixture();

type Resp = 2 | 3;

async function connect(resp: Resp) {
  const c = createClient({ socket: { host: '127.0.0.1', port: fx.srv.port, reconnectStrategy: false }, RESP: resp });
  c.on('error', () => {}); // a failed command rejects its promise; nothing else is expected
  await c.connect();
  return c;
}

for (const resp of [2, 3] as const) {
  describe(`node-redis subscribers, RESP${resp}`, () => {
    it('receive channel, pattern and shard messages in order, with their channels', async () => {
      const sub = await connect(resp);
      const pub = await connect(resp);
      const got: string[] = [];
      try {
        await sub.subscribe(['news', 'sports'], (msg, ch) => got.push(`message ${ch} ${msg}`));
        await sub.pSubscribe('n*', (msg, ch) => got.push(`pmessage n* ${ch} ${msg}`));
        await sub.pSubscribe('s?orts', (msg, ch) => got.push(`pmessage s?orts ${ch} ${msg}`));
        await sub.sSubscribe('orders', (msg, ch) => got.push(`smessage ${ch} ${msg}`));
        expect(await pub.sendCommand(['PUBSUB', 'NUMSUB', 'news', 'sports', 'orders'])).toEqual(['news', 1, 'sports', 1, 'orders', 0]);
        expect(await pub.sendCommand(['PUBSUB', 'NUMPAT'])).toBe(2);
        expect(await pub.sendCommand(['PUBSUB', 'SHARDNUMSUB', 'orders'])).toEqual(['orders', 1]);
        for (let i = 0; i < 100; i++) expect(await pub.publish('news', `n${i}`)).toBe(2);
        expect(await pub.publish('sports', 'goal')).toBe(2);
        expect(await pub.publish('nothing', 'x')).toBe(1);
        expect(await pub.sPublish('orders', 'o1')).toBe(1);
        expect(await pub.publish('orders', 'not a shard message')).toBe(0);
        await waitFor(() => got.length === 204);
        const expected: string[] = [];
        for (let i = 0; i < 100; i++) expected.push(`message news n${i}`, `pmessage n* news n${i}`);
        expected.push('message sports goal', 'pmessage s?orts sports goal', 'pmessage n* nothing x', 'smessage orders o1');
        expect(got).toEqual(expected);

        // binary-safe payloads, delivered as Buffers to a buffer listener
        const bytes: Buffer[] = [];
        await sub.subscribe('bin', (msg) => bytes.push(msg), true);
        const payload = Buffer.from([0, 1, 13, 10, 255, 0x80, 0x24]);
        expect(await pub.publish('bin', payload)).toBe(1);
        await waitFor(() => bytes.length === 1);
        expect(bytes[0].equals(payload)).toBe(true);

        // unsubscribing: what is left still delivers, what is gone does not
        await sub.unsubscribe('news');
        await sub.pUnsubscribe('s?orts');
        expect(await pub.publish('news', 'after')).toBe(1); // n* only
        expect(await pub.publish('sports', 'after')).toBe(1); // the channel only
        await waitFor(() => got.length === 206);
        expect(got.slice(204)).toEqual(['pmessage n* news after', 'message sports after']);
        // node-redis's argument-less (p|s)unsubscribe waits for a count of 0, which
        // never comes while subscriptions of another kind remain (the same with Redis):
        // the channels by name first, then the patterns, then the shard channels
        await sub.unsubscribe(['sports', 'bin']);
        await sub.pUnsubscribe();
        await sub.sUnsubscribe();
        expect(await pub.publish('news', 'late')).toBe(0);
        expect(await pub.sPublish('orders', 'late')).toBe(0);
        expect(await pub.sendCommand(['PUBSUB', 'NUMPAT'])).toBe(0);
        expect(await pub.sendCommand(['PUBSUB', 'CHANNELS'])).toEqual([]);
        // the connection is an ordinary one again (node-redis 5.12 hands RESP2 replies
        // on a connection that has been subscribed back as Buffers, as with Redis)
        expect(String(await sub.set('k', 'v'))).toBe('OK');
        expect(String(await sub.get('k'))).toBe('v');
        expect(got.length).toBe(206);
      } finally {
        sub.destroy();
        pub.destroy();
      }
    });

    it('two clients on one channel each get every message, in publish order', async () => {
      const a = await connect(resp);
      const b = await connect(resp);
      const pub = await connect(resp);
      const gotA: string[] = [];
      const gotB: string[] = [];
      try {
        await a.subscribe('ch', (m) => gotA.push(m));
        await b.subscribe('ch', (m) => gotB.push(m));
        await b.pSubscribe('c*', (m, ch) => gotB.push(`${ch}:${m}`));
        // pipelined publishes (node-redis writes them back to back)
        const counts = await Promise.all(Array.from({ length: 500 }, (_, i) => pub.publish('ch', String(i))));
        expect(counts.every((n) => n === 3)).toBe(true);
        await waitFor(() => gotA.length === 500 && gotB.length === 1000);
        expect(gotA).toEqual(Array.from({ length: 500 }, (_, i) => String(i)));
        expect(gotB).toEqual(Array.from({ length: 500 }, (_, i) => [String(i), `ch:${i}`]).flat());
      } finally {
        a.destroy();
        b.destroy();
        pub.destroy();
      }
    });
  });
}

describe('node-redis RESP3: a subscribed connection serves other commands', () => {
  it('replies and pushes interleave on one connection', async () => {
    const c = await connect(3);
    const got: string[] = [];
    try {
      await c.subscribe('self', (m, ch) => got.push(`${ch} ${m}`));
      expect(await c.set('k', '1')).toBe('OK');
      expect(await c.publish('self', 'to myself')).toBe(1);
      expect(await c.incr('k')).toBe(2);
      await waitFor(() => got.length === 1);
      expect(got).toEqual(['self to myself']);
      await c.unsubscribe('self');
      expect(await c.publish('self', 'gone')).toBe(0);
    } finally {
      c.destroy();
    }
  });
});

describe('node-redis transactions', () => {
  for (const resp of [2, 3] as const) {
    it(`multi().set().get().exec() and a WATCH conflict (RESP${resp})`, async () => {
      const c = await connect(resp);
      const other = await connect(resp);
      try {
        expect(await c.multi().set('tx:a', '1').get('tx:a').incr('tx:n').exec()).toEqual(['OK', '1', 1]);
        // an error inside EXEC is that command's reply: node-redis rejects with every reply, the error at its index
        const failed = await c.multi().set('tx:s', 'x').incr('tx:s').get('tx:s').exec().catch((e: unknown) => e);
        expect(failed).toBeInstanceOf(MultiErrorReply);
        const { replies, errorIndexes } = failed as MultiErrorReply;
        expect(errorIndexes).toEqual([1]);
        expect(replies[0]).toBe('OK');
        expect(replies[1]).toBeInstanceOf(ErrorReply);
        expect((replies[1] as ErrorReply).message).toBe('ERR value is not an integer or out of range');
        expect(replies[2]).toBe('x');
        expect(await c.get('tx:s')).toBe('x');

        // optimistic locking: a write from another connection between WATCH and EXEC aborts
        await c.watch('tx:w');
        expect(await c.get('tx:w')).toBe(null);
        await other.set('tx:w', 'theirs');
        await expect(c.multi().set('tx:w', 'mine').exec()).rejects.toBeInstanceOf(WatchError);
        expect(await c.get('tx:w')).toBe('theirs');

        // no conflict: the same sequence goes through
        await c.watch('tx:w');
        expect(await c.multi().set('tx:w', 'mine').exec()).toEqual(['OK']);
        expect(await other.get('tx:w')).toBe('mine');
      } finally {
        c.destroy();
        other.destroy();
      }
    });
  }
});
