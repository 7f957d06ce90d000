/**
 * Geo commands, differential: hand-written scripts run on a real
 * redis-server 7.0 and on tredis, in RESP2 and RESP3 (HELLO 3 first), after
 * FLUSHALL; every reply compared byte for byte (scores, %.17Lf coordinates,
 * 4-decimal distances, errors, stored results).
 *
 * Positions cover the poles (+-85.05112878), the antimeridian, the corners,
 * the equator/meridian crossing and ordinary cities; searches cover every
 * unit, radii from 0 to beyond the earth's size, boxes, all the WITH*
 * options, ASC/DESC, COUNT with and without ANY (including equal distances,
 * where Redis's partial quicksort decides the order), STORE/STOREDIST and
 * every error.
 */
import { Rng } from './generator';
import { describeScripts, S, Step, useServers } from './harness';

/** Points (longitude, latitude, member) used by the search scripts. */
const POINTS: [string, string, string][] = [
  ['13.361389', '38.115556', 'Palermo'],
  ['15.087269', '37.502669', 'Catania'],
  ['12.496366', '41.902782', 'Rome'],
  ['2.352222', '48.856613', 'Paris'],
  ['-0.127758', '51.507351', 'London'],
  ['-73.935242', '40.730610', 'NewYork'],
  ['139.691711', '35.689487', 'Tokyo'],
  ['151.209290', '-33.868820', 'Sydney'],
  ['-58.381592', '-34.603722', 'BuenosAires'],
  ['179.999999', '0.5', 'dateE'],
  ['-179.999999', '0.5', 'dateW'],
  ['179.5', '-16.5', 'Fiji'],
  ['-179.5', '-16.6', 'FijiW'],
  ['0', '0', 'origin'],
  ['0.0001', '-0.0001', 'nearOrigin'],
  ['-0.0001', '0.0001', 'nearOrigin2'],
  ['0', '85.05112878', 'northPole'],
  ['90', '85.05', 'north2'],
  ['-90', '-85.05112878', 'southPole'],
  ['180', '85.05112878', 'cornerNE'],
  ['-180', '-85.05112878', 'cornerSW'],
  ['180', '0', 'east180'],
  ['-180', '0', 'west180'],
  ['10', '80.5', 'arctic'],
  ['-10', '-70', 'antarctic'],
  ['13.361389', '38.115556', 'PalermoTwin'],
];

function geoaddAll(key: string): string[] {
  const a = ['GEOADD', key];
  for (const [lon, lat, m] of POINTS) a.push(lon, lat, m);
  return a;
}

const UNITS = ['m', 'km', 'mi', 'ft'];
const CENTRES: [string, string][] = [
  ['13.5', '38'],
  ['0', '0'],
  ['179.9', '0.4'],
  ['-179.9', '-16'],
  ['0', '85'],
  ['-90', '-85.05112878'],
  ['180', '85.05112878'],
  ['-73.9', '40.7'],
  ['100', '-60'],
];
const RADII_KM = ['0', '0.01', '1', '100', '250', '1000', '5000', '12000', '21000', '50000'];
const WITH: string[][] = [[], ['WITHDIST'], ['WITHCOORD'], ['WITHHASH'], ['WITHDIST', 'WITHHASH', 'WITHCOORD'], ['withcoord', 'withdist']];
const ORDER: string[][] = [[], ['ASC'], ['DESC'], ['COUNT', '3'], ['COUNT', '3', 'DESC'], ['COUNT', '2', 'ANY'], ['COUNT', '50', 'ASC'], ['COUNT', '1', 'ANY', 'ASC'], ['count', '4', 'any', 'desc']];

/** GEORADIUS / GEOSEARCH over every centre, radius and unit, with rotating options. */
function searchGrid(): Step[] {
  const steps: Step[] = [geoaddAll('g')];
  let k = 0;
  for (const [lon, lat] of CENTRES) {
    for (const r of RADII_KM) {
      const unit = UNITS[k % UNITS.length];
      const radius = unit === 'km' ? r : unit === 'm' ? String(Number(r) * 1000) : unit === 'mi' ? String(Number(r) / 1.6) : String(Number(r) * 3281);
      const w = WITH[k % WITH.length];
      const o = ORDER[k % ORDER.length];
      steps.push(['GEORADIUS', 'g', lon, lat, radius, unit, ...w, ...o]);
      steps.push(['GEORADIUS_RO', 'g', lon, lat, radius, unit, ...WITH[(k + 1) % WITH.length], 'ASC']);
      steps.push(['GEOSEARCH', 'g', 'FROMLONLAT', lon, lat, 'BYRADIUS', radius, unit, ...w, ...o]);
      steps.push(['GEOSEARCH', 'g', 'FROMLONLAT', lon, lat, 'BYBOX', radius, String(Number(radius) / 2), unit, 'WITHDIST', 'ASC']);
      steps.push(['GEOSEARCH', 'g', 'FROMLONLAT', lon, lat, 'BYBOX', String(Number(radius) / 3), radius, unit, ...o]);
      k++;
    }
  }
  for (const [, , m] of POINTS) {
    for (const r of ['0', '50', '800', '3000', '20000']) {
      steps.push(['GEORADIUSBYMEMBER', 'g', m, r, 'km', 'WITHDIST', 'ASC']);
      steps.push(['GEORADIUSBYMEMBER_RO', 'g', m, r, 'mi', ...ORDER[k++ % ORDER.length]]);
      steps.push(['GEOSEARCH', 'g', 'FROMMEMBER', m, 'BYRADIUS', r, 'km', 'WITHHASH', 'DESC']);
      steps.push(['GEOSEARCH', 'g', 'FROMMEMBER', m, 'BYBOX', r, r, 'km', 'WITHCOORD', 'ASC']);
    }
  }
  return steps;
}

/** Many members at few positions: equal distances ordered by Redis's sorts. */
function tiesScript(): Step[] {
  const steps: Step[] = [];
  const locs = [
    ['1', '1'],
    ['1.001', '1'],
    ['0.999', '1'],
    ['1', '1.002'],
    ['1.003', '1.003'],
  ];
  for (let n = 1; n <= 60; n += n < 15 ? 1 : 7) {
    const a = ['GEOADD', `t${n}`];
    for (let i = 0; i < n; i++) {
      const l = locs[(i * 7 + n) % (1 + (n % locs.length))];
      a.push(l[0], l[1], `m${String(i).padStart(2, '0')}`);
    }
    steps.push(a);
    for (const c of ['1', '2', '3', '5', String(n - 1), String(n), String(n + 1)]) {
      if (Number(c) <= 0) continue;
      steps.push(['GEORADIUS', `t${n}`, '1', '1', '100', 'km', 'COUNT', c]);
      steps.push(['GEORADIUS', `t${n}`, '1', '1', '100', 'km', 'COUNT', c, 'DESC', 'WITHDIST']);
      steps.push(['GEOSEARCH', `t${n}`, 'FROMLONLAT', '1.0005', '1', 'BYBOX', '300', '300', 'km', 'COUNT', c, 'WITHDIST']);
      steps.push(['GEOSEARCH', `t${n}`, 'FROMLONLAT', '1', '1', 'BYRADIUS', '100', 'km', 'COUNT', c, 'ANY', 'ASC']);
    }
    steps.push(['GEORADIUS', `t${n}`, '1', '1', '100', 'km', 'ASC']);
    steps.push(['GEORADIUS', `t${n}`, '1', '1', '100', 'km', 'DESC']);
  }
  return steps;
}

/**
 * 1500 members on 25 small clusters (many at the very same position), then
 * searches with COUNT of every size, ANY, ASC/DESC: long runs of equal
 * distances through both of Redis's sorts.
 */
function denseClusters(seed: number): Step[] {
  const r = new Rng(seed);
  const steps: Step[] = [];
  const pos: [string, string][] = [];
  for (let i = 0; i < 25; i++) {
    pos.push([((r.next() - 0.5) * 0.2 + (i % 3) * 60 - 60).toFixed(5), ((r.next() - 0.5) * 0.2 + (i % 5) * 20 - 40).toFixed(5)]);
  }
  for (let i = 0; i < 1500; i += 50) {
    const a = ['GEOADD', 'd'];
    for (let j = i; j < i + 50; j++) a.push(...r.pick(pos), `m${j}`);
    steps.push(a);
  }
  for (let i = 0; i < 300; i++) {
    const [lon, lat] = r.pick(pos);
    const radius = r.pick(['10', '50', '500', '5000', '20000']);
    const o: string[] = [];
    if (r.chance(0.8)) o.push('COUNT', r.pick(['1', '2', '3', '7', '20', '50', '100', '300']));
    if (o.length && r.chance(0.3)) o.push('ANY');
    if (r.chance(0.6)) o.push(r.pick(['ASC', 'DESC']));
    if (r.chance(0.5)) o.push('WITHDIST');
    steps.push(
      r.chance(0.5)
        ? ['GEORADIUS', 'd', lon, lat, radius, 'km', ...o]
        : ['GEOSEARCH', 'd', 'FROMMEMBER', `m${r.int(1500)}`, 'BYBOX', radius, radius, 'km', ...o],
    );
  }
  return steps;
}

const scripts: Record<string, Step[]> = {
  'GEOADD: options, scores, errors': S(
    'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania',
    'ZRANGE Sicily 0 -1 WITHSCORES',
    'TYPE Sicily',
    'OBJECT ENCODING Sicily',
    'GEOADD Sicily 13.361389 38.115556 Palermo',
    'GEOADD Sicily CH 13.361389 38.115556 Palermo',
    'GEOADD Sicily CH 13.4 38.1 Palermo 1 1 New',
    'GEOADD Sicily NX 13.5 38 Palermo 2 2 New2',
    'GEOADD Sicily XX 13.5 38 Palermo 3 3 New3',
    'GEOADD Sicily XX CH 13.6 38 Palermo 3 3 New3',
    'GEOADD Sicily nx ch 13.7 38 Palermo 4 4 New4',
    'GEOADD Sicily ch xx ch 13.7 38.2 Palermo',
    'ZRANGE Sicily 0 -1 WITHSCORES',
    'GEOADD Sicily NX XX 1 1 a',
    'GEOADD Sicily 1 1',
    'GEOADD Sicily 1 1 a 2',
    'GEOADD Sicily CH CH CH',
    'GEOADD Sicily GT 1 1 a',
    'GEOADD Sicily 181 0 z',
    'GEOADD Sicily -180.0000001 0 z',
    'GEOADD Sicily 0 85.05112879 z',
    'GEOADD Sicily 0 -85.05112879 z',
    'GEOADD Sicily 1e300 -0 z',
    'GEOADD Sicily 1 2 a 200 100 b',
    'GEOADD Sicily abc 0 z',
    'GEOADD Sicily 0 abc z',
    'GEOADD Sicily "" 0 z',
    'GEOADD Sicily inf 0 z',
    'GEOADD Sicily 1 nan z',
    'GEOADD Sicily 0x10 0 hex',
    'GEOADD Sicily " 1" 0 sp',
    'GEOADD Sicily 1e1 1e-1 expo',
    'ZSCORE Sicily hex',
    'ZSCORE Sicily expo',
    'EXISTS a',
    'ZCARD Sicily',
    'SET str x',
    'GEOADD str 1 1 a',
    'GEOADD str 1 100 a',
    'GEOADD newkey XX 1 1 a',
    'EXISTS newkey',
    'GEOADD',
    'GEOADD k',
    'GEOADD k 1 1',
  ),
  'GEOADD: edges of the map and 180/85.05 exactly': S(
    'GEOADD x 180 85.05112878 a -180 -85.05112878 b 0 0 c 180 0 d 0 85.05112878 e -180 85.05112878 f 180 -85.05112878 g',
    'ZRANGE x 0 -1 WITHSCORES',
    'GEOPOS x a b c d e f g',
    'GEOHASH x a b c d e f g',
    'GEODIST x a b',
    'GEODIST x f g km',
    'GEODIST x d c mi',
    'GEODIST x c c',
    'GEOADD y 179.99999999 0.000000001 p -179.99999999 -0.000000001 q 0.5 0.5 r -0.5 -0.5 s',
    'ZRANGE y 0 -1 WITHSCORES',
    'GEOPOS y p q r s',
    'GEOHASH y p q r s',
    'GEODIST y p q',
    'GEODIST y r s ft',
  ),
  'GEOPOS / GEOHASH / GEODIST': S(
    'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania',
    'GEOPOS Sicily Palermo Catania NonExisting',
    'GEOPOS Sicily NonExisting',
    'GEOPOS nokey a b',
    'GEOPOS Sicily',
    'GEOHASH Sicily Palermo Catania NonExisting',
    'GEOHASH nokey a b',
    'GEOHASH Sicily',
    'GEODIST Sicily Palermo Catania',
    'GEODIST Sicily Palermo Catania m',
    'GEODIST Sicily Palermo Catania km',
    'GEODIST Sicily Palermo Catania KM',
    'GEODIST Sicily Palermo Catania mi',
    'GEODIST Sicily Palermo Catania ft',
    'GEODIST Sicily Palermo Catania Ft',
    'GEODIST Sicily Palermo Catania furlong',
    'GEODIST Sicily Palermo Catania km extra',
    'GEODIST Sicily Palermo NonExisting',
    'GEODIST Sicily NonExisting Palermo',
    'GEODIST Sicily NonExisting Palermo badunit',
    'GEODIST nokey a b',
    'GEODIST nokey a b badunit',
    'GEODIST Sicily Palermo Palermo',
    'SET str x',
    'GEOPOS str a',
    'GEOHASH str a',
    'GEODIST str a b',
    'GEODIST str a b badunit',
    'LPUSH list a',
    'GEOPOS list a',
  ),
  'bogus scores (plain ZADD) decode as Redis does': S(
    'ZADD b -1 neg 1e30 huge -1e30 nhuge inf pinf -inf ninf 0.5 half 1.5 oneh 9007199254740993 big 18446744073709551615 u64 9223372036854775808 two63 -9223372036854775808 nt63 4503599627370496 t52 1e-300 tiny -0.5 nhalf 4503599627370495.5 justbelow',
    'GEOPOS b neg huge nhuge pinf ninf half oneh big u64 two63 nt63 t52 tiny nhalf justbelow',
    'GEOHASH b neg huge nhuge pinf ninf half oneh big u64 two63 nt63 t52 tiny nhalf justbelow',
    'GEODIST b neg huge',
    'GEODIST b pinf ninf km',
    'GEODIST b half oneh',
    'GEORADIUSBYMEMBER b neg 100000 km WITHDIST WITHHASH WITHCOORD',
    'GEORADIUS b 0 0 20000 km WITHDIST WITHHASH WITHCOORD',
    'GEOSEARCH b FROMLONLAT 0 0 BYBOX 40000 40000 km WITHDIST WITHHASH WITHCOORD ASC',
    'GEOSEARCH b FROMMEMBER tiny BYRADIUS 100 km WITHCOORD',
  ),
  'search errors and argument order': S(
    'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania',
    'GEORADIUS Sicily 15 37 abc km',
    'GEORADIUS Sicily 15 37 -1 km',
    'GEORADIUS Sicily 15 37 -0 km',
    'GEORADIUS Sicily 15 37 1 kmx',
    'GEORADIUS Sicily 15 37 abc kmx',
    'GEORADIUS Sicily 181 37 abc kmx',
    'GEORADIUS Sicily x 37 1 km',
    'GEORADIUS Sicily 15 37 inf km',
    'GEORADIUS Sicily 15 37 1 km COUNT 0',
    'GEORADIUS Sicily 15 37 1 km COUNT -5',
    'GEORADIUS Sicily 15 37 1 km COUNT abc',
    'GEORADIUS Sicily 15 37 1 km COUNT 9223372036854775808',
    'GEORADIUS Sicily 15 37 1 km COUNT',
    'GEORADIUS Sicily 15 37 1 km ANY',
    'GEORADIUS Sicily 15 37 1 km ANY COUNT 0',
    'GEORADIUS Sicily 15 37 1 km COUNT 1 ANY WITHDIST foo',
    'GEORADIUS Sicily 15 37 1 km STORE',
    'GEORADIUS Sicily 15 37 1 km STORE x WITHDIST',
    'GEORADIUS Sicily 15 37 1 km STOREDIST x WITHHASH',
    'GEORADIUS Sicily 15 37 1 km WITHCOORD STORE x',
    'GEORADIUS_RO Sicily 15 37 1 km STORE x',
    'GEORADIUS_RO Sicily 15 37 1 km STOREDIST x',
    'GEORADIUSBYMEMBER Sicily nope 1 km',
    'GEORADIUSBYMEMBER Sicily Palermo abc km',
    'GEORADIUSBYMEMBER Sicily Palermo 1 parsec',
    'GEORADIUSBYMEMBER nokey nope abc xx',
    'GEORADIUSBYMEMBER nokey nope abc xx WITHDIST ASC COUNT 2',
    'GEORADIUSBYMEMBER nokey nope abc xx bogus',
    'GEORADIUSBYMEMBER nokey nope abc xx STORE dst',
    'GEORADIUSBYMEMBER nokey nope abc xx ANY',
    'GEORADIUSBYMEMBER_RO Sicily Palermo 100 km STORE x',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX abc 1 km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 abc km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX -1 1 km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 -1 km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 lightyear',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1',
    'GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 1 km',
    'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS x km',
    'GEOSEARCH Sicily BYRADIUS 1 km FROMMEMBER nope',
    'GEOSEARCH Sicily byradius 1 km',
    'GEOSEARCH Sicily fromlonlat 1 1',
    'geoSearch Sicily BYRADIUS 1 km WITHDIST',
    'geoSearch Sicily FROMLONLAT 1 1 WITHDIST',
    'GEOSEARCH Sicily FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km',
    'GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 1 km',
    'GEOSEARCH Sicily FROMMEMBER Palermo FROMMEMBER Catania BYRADIUS 100 km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 FROMLONLAT 13 38 BYRADIUS 200 km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 km BYRADIUS 1 km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km BYRADIUS 200 km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STORE x',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST',
    'GEOSEARCH Sicily FROMLONLAT 181 37 BYRADIUS 1 km',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km ANY',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0 ANY',
    'GEOSEARCH nokey FROMMEMBER x BYRADIUS abc km',
    'GEOSEARCH nokey FROMMEMBER x BYRADIUS 1 km',
    'GEOSEARCH nokey FROMMEMBER x BYBOX 1 1 km WITHDIST',
    'GEOSEARCH nokey FROMLONLAT 1 1 BYRADIUS 1 km',
    'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 1 km WITHDIST',
    'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 1 km STORE x',
    'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST STOREDIST',
    'GEOSEARCHSTORE d Sicily BYRADIUS 1 km',
    'GEOSEARCHSTORE d Sicily FROMLONLAT 15 37',
    'SET str x',
    'GEORADIUS str 15 37 1 km',
    'GEORADIUS str 181 37 1 km',
    'GEORADIUSBYMEMBER str a 1 km',
    'GEOSEARCH str FROMLONLAT 15 37 BYRADIUS 1 km',
    'GEOSEARCHSTORE d str FROMLONLAT 15 37 BYRADIUS 1 km',
    'GEOSEARCHSTORE str Sicily FROMLONLAT 15 37 BYRADIUS 200 km',
    'TYPE str',
    'GEORADIUS Sicily 15 37',
    'GEORADIUSBYMEMBER Sicily Palermo 1',
  ),
  'search replies: Sicily examples, units, options': S(
    'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 13.583333 37.316667 Agrigento 12.758489 38.788135 edge1 17.241510 38.788135 edge2',
    'GEORADIUS Sicily 15 37 200 km',
    'GEORADIUS Sicily 15 37 200 km WITHDIST',
    'GEORADIUS Sicily 15 37 200 km WITHCOORD',
    'GEORADIUS Sicily 15 37 200 km WITHHASH',
    'GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH ASC',
    'GEORADIUS Sicily 15 37 200 km WITHHASH WITHCOORD WITHDIST DESC',
    'GEORADIUS Sicily 15 37 200000 m WITHDIST',
    'GEORADIUS Sicily 15 37 124.27 mi WITHDIST',
    'GEORADIUS Sicily 15 37 656168 ft WITHDIST',
    'GEORADIUS Sicily 15 37 200 KM WITHDIST',
    'GEORADIUS Sicily 15 37 200 km COUNT 1',
    'GEORADIUS Sicily 15 37 200 km COUNT 1 DESC',
    'GEORADIUS Sicily 15 37 200 km COUNT 2 ANY',
    'GEORADIUS Sicily 15 37 200 km COUNT 2 ANY DESC',
    'GEORADIUS Sicily 15 37 200 km COUNT 100',
    'GEORADIUS Sicily 15 37 200 km ASC DESC',
    'GEORADIUS Sicily 15 37 200 km COUNT 1 COUNT 3',
    'GEORADIUS Sicily 15 37 1 km',
    'GEORADIUS Sicily 15 37 0 km',
    'GEORADIUSBYMEMBER Sicily Agrigento 100 km',
    'GEORADIUSBYMEMBER Sicily Agrigento 100 km WITHDIST WITHCOORD',
    'GEORADIUSBYMEMBER Sicily Agrigento 0 km WITHDIST',
    'GEORADIUSBYMEMBER_RO Sicily Palermo 300 km WITHDIST DESC COUNT 2',
    'GEORADIUS_RO Sicily 15 37 200 km WITHDIST',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km DESC WITHHASH',
    'GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 200 200 km WITHDIST',
    'GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 0 0 km WITHDIST',
    'GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 0 km WITHDIST',
    'GEOSEARCH Sicily FROMLONLAT 15 38.788135 BYBOX 445 1 km WITHDIST',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1000 1000 mi COUNT 2 WITHDIST',
    'GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1000 1000 ft COUNT 2 ANY WITHDIST',
    'geosearch Sicily fromlonlat 15 37 byradius 200 km withdist withcoord withhash count 3 desc',
  ),
  'STORE / STOREDIST / GEOSEARCHSTORE': S(
    'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 13.583333 37.316667 Agrigento',
    'GEORADIUS Sicily 15 37 200 km STORE d1',
    'ZRANGE d1 0 -1 WITHSCORES',
    'OBJECT ENCODING d1',
    'GEORADIUS Sicily 15 37 200 km STOREDIST d2',
    'ZRANGE d2 0 -1 WITHSCORES',
    'GEORADIUS Sicily 15 37 200 mi STOREDIST d2',
    'ZRANGE d2 0 -1 WITHSCORES',
    'GEORADIUS Sicily 15 37 200 km STORE d3 COUNT 1',
    'ZRANGE d3 0 -1 WITHSCORES',
    'GEORADIUS Sicily 15 37 200 km STORE d3 STOREDIST d4',
    'EXISTS d3 d4',
    'ZRANGE d4 0 -1 WITHSCORES',
    'GEORADIUS Sicily 15 37 200 km STOREDIST d4 STORE d5',
    'ZRANGE d5 0 -1 WITHSCORES',
    'GEORADIUSBYMEMBER Sicily Palermo 100 km STORE d6',
    'ZRANGE d6 0 -1 WITHSCORES',
    'GEORADIUSBYMEMBER Sicily Palermo 300 ft STOREDIST d7',
    'ZRANGE d7 0 -1 WITHSCORES',
    'GEOSEARCHSTORE d8 Sicily FROMLONLAT 15 37 BYRADIUS 200 km',
    'ZRANGE d8 0 -1 WITHSCORES',
    'GEOSEARCHSTORE d9 Sicily FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST',
    'ZRANGE d9 0 -1 WITHSCORES',
    'GEOSEARCHSTORE d9 Sicily FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST COUNT 1 DESC',
    'ZRANGE d9 0 -1 WITHSCORES',
    'GEOSEARCHSTORE d9 Sicily FROMLONLAT 15 37 BYBOX 400 400 km COUNT 2 ANY',
    'ZRANGE d9 0 -1 WITHSCORES',
    'GEOSEARCHSTORE Sicily Sicily FROMMEMBER Palermo BYRADIUS 10 km',
    'ZRANGE Sicily 0 -1 WITHSCORES',
    'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania',
    'SET str x',
    'EXPIRE d1 1000',
    'GEORADIUS Sicily 15 37 200 km STORE d1',
    'TTL d1',
    'GEORADIUS Sicily 15 37 200 km STORE str',
    'TYPE str',
    'ZRANGE str 0 -1',
    'GEORADIUS Sicily 15 37 1 km STORE d1',
    'EXISTS d1',
    'GEORADIUS Sicily 15 37 1 km STORE never',
    'EXISTS never',
    'GEOSEARCHSTORE d8 Sicily FROMLONLAT 15 37 BYRADIUS 1 m',
    'EXISTS d8',
    'GEORADIUS nokey 15 37 1 km STORE d2',
    'EXISTS d2',
    'GEOSEARCHSTORE d9 nokey FROMMEMBER x BYRADIUS 1 km',
    'EXISTS d9',
    'GEORADIUSBYMEMBER nokey x 1 km STOREDIST str',
    'EXISTS str',
  ),
  'stored results cross the listpack threshold': [
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '4', 'zset-max-listpack-value', '10'],
    ...S(
      'GEOADD p 1 1 a 1.01 1 b 1.02 1 c 1.03 1 d 1.04 1 e 1.05 1 f',
      'OBJECT ENCODING p',
      'GEORADIUS p 1 1 100 km STORE s1',
      'OBJECT ENCODING s1',
      'GEORADIUS p 1 1 100 km STORE s2 COUNT 4',
      'OBJECT ENCODING s2',
      'GEOADD q 1 1 short 1 1 muchlongername',
      'OBJECT ENCODING q',
      'GEOSEARCHSTORE s3 q FROMLONLAT 1 1 BYRADIUS 1 km STOREDIST',
      'OBJECT ENCODING s3',
      'ZRANGE s3 0 -1 WITHSCORES',
      'GEOADD small 0 0 a',
      'OBJECT ENCODING small',
    ),
    ['CONFIG', 'SET', 'zset-max-listpack-entries', '128', 'zset-max-listpack-value', '64'],
  ],
  'antipodes: the longest distances': S(
    'GEOADD a 0 0 o 180 0 anti -180 0 anti2 179.99999 0.00001 nearAnti 179.9999 -0.0001 near2 -179.999 0.001 near3 90 0 quarter 0 85.05112878 n 180 -85.05112878 s 10 20 p -170 -20 pAnti',
    'GEORADIUS a 0 0 20020 km WITHDIST ASC',
    'GEORADIUS a 0 0 20037 km WITHDIST DESC',
    'GEORADIUS a 0 0 20000000 m WITHDIST ASC COUNT 3',
    'GEORADIUS a 0 0 20020740 m WITHDIST',
    'GEORADIUS a 0 0 20020742 m WITHDIST',
    'GEORADIUS a 0 0 20020 km STOREDIST ad',
    'ZRANGE ad 0 -1 WITHSCORES',
    'GEORADIUSBYMEMBER a p 20020 km WITHDIST DESC',
    'GEOSEARCH a FROMMEMBER n BYRADIUS 20020 km WITHDIST DESC',
    'GEOSEARCH a FROMLONLAT 0 0 BYBOX 40041 40041 km WITHDIST DESC',
    'GEODIST a o anti',
    'GEODIST a o nearAnti',
    'GEODIST a n s',
    'GEODIST a p pAnti',
  ),
  'radius and box searches over the map (every centre, radius and unit)': searchGrid(),
  'equal distances with COUNT (partial quicksort order)': tiesScript(),
  'dense clusters: runs of equal distances, every COUNT': denseClusters(5),
};

const servers = useServers();

describeScripts('geo: differential against redis-server', scripts, { servers, timeoutMs: 120000 });
