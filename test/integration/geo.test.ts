/**
 * Geo commands on tredis, what a byte comparison with Redis can't show:
 * keyspace events (the sequence a psubscribe on redis-server 7.0.15 sees,
 * with notify-keyspace-events KEAn), dirty counts and propagation (GEOADD
 * as the ZADD Redis turns it into, the STORE forms as sent), the value
 * being a plain sorted set, and searches on a large set touching only the
 * members near the centre. (WATCH is not covered: tredis has no MULTI yet.)
 * Scores, distances and search results are redis-server 7.0.15's replies
 * (ZSCORE, the AOF, GEOSEARCH ... WITHDIST) to the same commands.
 */
import { describe, expect, it } from 'vitest';
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
    // as redis-server 7.0.15 writes them in its AOF
    expect(fx.propagated).toEqual([
      ['zadd', 'k', 'CH', '3479099956230698', 'Palermo', '3479447370796909', 'Catania'],
      ['zadd', 'k', 'xx', 'ch', '3479065152021743', 'Palermo', '3377822707026402', 'nothere'],
      ['GEORADIUS', 'k', '15', '37', '200', 'km', 'STORE', 'd1'],
      ['GEOSEARCHSTORE', 'd1', 'k', 'FROMLONLAT', '15', '37', 'BYRADIUS', '1', 'km'],
    ]);
  });

  it('propagates the exact integer score of the 180th meridian', async () => {
    // lon 180 is one step past the 26 bits: a score above 2^52. Redis 7.0.15
    // writes `zadd k 10133120636698704 edge` in its AOF and ZSCORE replies the same.
    await fx.run(['GEOADD', 'k', '180', '0.5', 'edge']);
    expect(fx.propagated).toEqual([['zadd', 'k', '10133120636698704', 'edge']]);
    expect(await fx.cmd('ZSCORE k edge')).toBe('$17\r\n10133120636698704\r\n');
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
    // redis-server 7.0.15's reply to the same GEOADDs and GEOSEARCH: member, distance (km)
    const redis = (
    'm93535 21.9036 m238749 50.6321 m123318 51.8845 m98503 55.0605 m224190 58.5153 m248363 66.1381 ' +
    'm89142 74.7895 m15251 89.6400 m253409 94.3838 m202480 98.2919 m55397 99.1200 m127895 102.9006 ' +
    'm84931 102.9787 m79664 113.0687 m240550 115.1076 m92959 117.0289 m127316 125.2466 m223669 125.8528 ' +
    'm193539 129.9473 m168414 132.9136 m50021 133.8317 m3423 134.8831 m259343 139.0259 m125777 141.3595 ' +
    'm131509 142.9936 m118216 144.3457 m93884 145.2755 m123548 145.3317 m111246 146.4458 m264084 146.8091 ' +
    'm258357 152.0686 m253962 153.3821 m26473 154.1428 m253452 154.1592 m225592 157.2069 m72335 157.3829 ' +
    'm181032 159.1158 m215825 160.0646 m203125 160.1785 m7086 161.3333 m45356 162.6439 m198093 163.6975 ' +
    'm183774 164.2698 m73277 164.3054 m277166 165.9003 m953 170.6826 m70734 171.4538 m206908 172.3954 ' +
    'm247757 177.9928 m196840 179.8783 m9287 180.1887 m102333 180.9840 m7588 183.1825 m131359 184.0177 ' +
    'm65940 186.3029 m173687 186.6357 m196181 187.8570 m228715 189.1059 m117725 190.5229 m183467 192.7372 ' +
    'm128939 193.6327 m299339 194.2831 m99082 196.0700 m282621 197.2850 m234781 199.1984 m133555 200.7650 ' +
    'm20443 201.8348 m202792 202.1271 m143034 205.5994 m46602 206.2065 m5509 207.6230 m146576 208.5263 ' +
    'm66529 209.0435 m124644 210.3269 m258867 211.5832 m122950 212.3220 m98634 213.3190 m202346 213.7986 ' +
    'm279956 215.0113 m225249 216.2362 m80591 216.2887 m30845 218.6337 m118166 220.9837 m135615 221.2852 ' +
    'm131745 222.6010 m156080 222.6751 m48293 224.5158 m66141 230.0810 m127595 233.7142 m2767 233.9344 ' +
    'm41426 234.0868 m214495 234.1847 m57812 235.5230 m159016 236.9285 m66988 239.3390 m287197 241.0923 ' +
    'm175030 241.3702 m72428 241.9521 m53397 244.6886 m22453 245.4334 m128514 247.0315 m96894 247.5707 ' +
    'm217999 248.1546 m229248 249.7655 m98719 252.6503 m169050 254.1184 m266825 254.4782 m103370 255.7597 ' +
    'm49401 256.6667 m24821 256.7629 m91522 256.9074 m12558 257.2720 m261578 257.4822 m55603 259.6323 ' +
    'm31925 260.7625 m291454 261.1960 m132116 264.1911 m264639 264.3991 m292486 269.9627 m236196 275.2172 ' +
    'm242149 276.3479 m37796 276.5623 m80055 278.0347 m64359 278.5210 m141942 278.8950 m278983 279.1852 ' +
    'm115937 281.5044 m192265 282.6298 m125855 283.8751 m1310 284.3494 m208615 284.6672 m72908 285.4142 ' +
    'm107708 287.2801 m66406 291.2668 m223967 292.8273 m295085 292.9454 m88239 293.6622 m234509 294.2013 ' +
    'm117715 294.2903 m30291 294.3485 m74728 295.7708 m191853 297.5760 m142857 298.0178 '
    ).trim().split(' ');
    const want: string[] = [];
    for (let i = 0; i < redis.length; i += 2) want.push(`*2\r\n$${redis[i].length}\r\n${redis[i]}\r\n$${redis[i + 1].length}\r\n${redis[i + 1]}\r\n`);
    expect(want.length).toBe(143);
    expect(reply).toBe(`*${want.length}\r\n${want.join('')}`);
    // the value is a plain sorted set
    const z = ks.dbs[0].lookup('big') as unknown as { type: string };
    expect(z.type).toBe('zset');
    // (its speed against Redis on 1M members: bench/families.mjs)
  }, 120000);
});
