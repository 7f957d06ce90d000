/**
 * Geo commands on tredis, what a byte comparison with Redis can't show:
 * keyspace events (the sequence a psubscribe on redis-server 7.0.15 sees,
 * with notify-keyspace-events KEAn), dirty counts and propagation (GEOADD
 * as the ZADD Redis turns it into, the STORE forms as sent), the value
 * being a plain sorted set, and searches on a large set touching only the
 * members near the centre. (WATCH is not covered: tredis has no MULTI yet.)
 */
import { describe, expect, it } from 'vitest';
import { decodeScore, distance, encodeScore, encodeScoreString, xy } from '../../src/store/geohash';
import { prng, useServerFixture } from '../helpers';

const fx = useServerFixture();

const PALERMO = ['13.361389', '38.115556', 'Palermo'];
const CATANIA = ['15.087269', '37.502669', 'Catania'];

describe('geo on tredis', () => {
  it('fires the keyspace events redis-server sends', async () => {
    fx.captureEvents('KEAn');
    await fx.run(
      ['GEOADD', 'k', ...PALERMO, ...CATANIA],
      ['GEOADD', 'k', 'NX', ...PALERMO], // no change: no event
      ['GEORADIUS', 'k', '15', '37', '200', 'km', 'STORE', 'd1'],
      ['GEORADIUS', 'k', '15', '37', '200', 'km', 'STOREDIST', 'd1'],
      ['GEOSEARCHSTORE', 'd2', 'k', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
      ['GEORADIUSBYMEMBER', 'k', 'Palermo', '1', 'm', 'STORE', 'd2'],
      ['GEOSEARCHSTORE', 'd2', 'k', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
      ['GEOSEARCH', 'k', 'FROMMEMBER', 'Palermo', 'BYRADIUS', '1', 'km'],
      ['GEORADIUS', 'k', '15', '37', '1', 'km', 'STORE', 'd1'], // empty: deletes d1
      ['GEOSEARCHSTORE', 'd2', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'], // no source: deletes d2
      ['GEOSEARCHSTORE', 'd3', 'nokey', 'FROMMEMBER', 'x', 'BYRADIUS', '1', 'km'], // nothing to delete
    );
    expect(fx.events).toEqual([
      'new k',
      'zadd k',
      'new d1',
      'georadiusstore d1',
      'georadiusstore d1',
      'new d2',
      'geosearchstore d2',
      'georadiusstore d2',
      'geosearchstore d2',
      'del d1',
      'del d2',
    ]);
  });

  it('propagates GEOADD as ZADD with the scores, and the searches that wrote as sent', async () => {
    const ks = fx.srv.server.keyspace;
    let d = ks.dirty;
    await fx.run(['geoadd', 'k', 'CH', ...PALERMO, ...CATANIA]);
    expect(ks.dirty - d).toBe(2);
    d = ks.dirty;
    await fx.run(['GEOADD', 'k', 'NX', ...PALERMO], ['GEOADD', 'k', '13.361389', '38.115556', 'Palermo']);
    expect(ks.dirty - d).toBe(0);
    await fx.run(
      ['GEOADD', 'k', 'xx', 'ch', '13', '38', 'Palermo', '1', '1', 'nothere'],
      ['GEOADD', 'k', '181', '0', 'bad'], // error: nothing
      ['GEOSEARCH', 'k', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km'],
      ['GEORADIUS_RO', 'k', '15', '37', '200', 'km'],
      ['GEORADIUS', 'k', '15', '37', '200', 'km', 'STORE', 'd1'],
      ['GEORADIUS', 'k', '15', '37', '1', 'km', 'STORE', 'none'], // empty, no key to delete
      ['GEOSEARCHSTORE', 'd1', 'k', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'], // deletes d1
    );
    expect(fx.propagated).toEqual([
      ['zadd', 'k', 'CH', '3479099956230698', 'Palermo', '3479447370796909', 'Catania'],
      ['zadd', 'k', 'xx', 'ch', '3479065152021743', 'Palermo', encodeScoreString(1, 1), 'nothere'],
      ['GEORADIUS', 'k', '15', '37', '200', 'km', 'STORE', 'd1'],
      ['GEOSEARCHSTORE', 'd1', 'k', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
    ]);
  });

  it('propagates the exact integer score of the 180th meridian', async () => {
    await fx.run(['GEOADD', 'k', '180', '0.5', 'edge']);
    const [, , score] = fx.propagated[0];
    expect(BigInt(score)).toBe(BigInt(encodeScore(180, 0.5)));
    expect(score).toMatch(/^\d+$/);
  });

  it('stores members in a plain sorted set', async () => {
    expect(await fx.run(['GEOADD', 'k', ...PALERMO, ...CATANIA], ['TYPE', 'k'], ['ZSCORE', 'k', 'Palermo'], ['ZCARD', 'k'], ['ZRANGE', 'k', '0', '-1'])).toEqual([
      ':2\r\n',
      '+zset\r\n',
      '$16\r\n3479099956230698\r\n',
      ':2\r\n',
      '*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n',
    ]);
    // a member added with ZADD is a position too
    await fx.run(['ZADD', 'k', '3479099956230698', 'copy']);
    expect(await fx.cmd('GEODIST k Palermo copy')).toBe('$6\r\n0.0000\r\n');
  });

  it('searches a large set through the cells near the centre', async () => {
    const n = 300000;
    const rnd = prng(42);
    const ks = fx.srv.server.keyspace;
    // load in chunks of GEOADD
    for (let i = 0; i < n; ) {
      const args = ['GEOADD', 'big'];
      for (let j = 0; j < 1000 && i < n; j++, i++) {
        args.push((rnd() * 360 - 180).toFixed(6), ((rnd() * 2 - 1) * 85).toFixed(6), `m${i}`);
      }
      await fx.r.cmd(...args);
    }
    expect(await fx.cmd('ZCARD big')).toBe(`:${n}\r\n`);
    const reply = await fx.r.cmd('GEOSEARCH', 'big', 'FROMLONLAT', '13.4', '38.1', 'BYRADIUS', '300', 'km', 'ASC', 'WITHDIST');
    const got = [...reply.matchAll(/\$\d+\r\n(m\d+)\r\n/g)].map((m) => m[1]).sort();
    // reference: every member's distance, from the stored set itself
    // (the server runs the compiled code: its ZSet is not src's class)
    const z = ks.dbs[0].lookup('big') as unknown as { type: string; sl: { first: number; next(n: number): number; score(n: number): number; ele(n: number): string } };
    expect(z.type).toBe('zset');
    const sl = z.sl;
    const want: string[] = [];
    for (let node = sl.first; node !== 0; node = sl.next(node)) {
      decodeScore(sl.score(node));
      if (distance(13.4, 38.1, xy[0], xy[1]) <= 300000) want.push(sl.ele(node));
    }
    want.sort();
    expect(got).toEqual(want);
    expect(want.length).toBeGreaterThan(5);
    // (its speed against Redis on 1M members: bench/families.mjs)
  }, 120000);
});
