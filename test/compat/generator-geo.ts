/**
 * Geo commands for the seeded random differential test
 * (random-geo.test.ts): GEOADD with positions clustered around a few
 * centres (cities, the antimeridian, the poles, the origin) and scattered
 * over the map, duplicates and out-of-range ones; GEOPOS, GEOHASH,
 * GEODIST; every search form with random centres, radii, boxes, units and
 * options (valid and not); the STORE forms and reads of their results; ZADD
 * of non-geo scores, ZREM, DEL, wrong types.
 */
import type { Args } from './harness';
import { Rng } from './generator';

const SRC = ['g1', 'g1', 'g1', 'g2', 'g2', 'nokey', 'str'];
const DST = ['d1', 'd2', 'g2', 'str', 'd1'];
const READ = ['g1', 'g2', 'd1', 'd2', 'str', 'nokey'];
const UNITS = ['m', 'km', 'mi', 'ft', 'KM', 'M', 'Mi', 'yd', ''];
const CENTRES: [number, number][] = [
  [13.36, 38.11],
  [0, 0],
  [179.9, 10],
  [-179.95, -5],
  [0, 85],
  [10, -84.9],
  [-73.98, 40.75],
  [139.7, 35.7],
  [180, 0],
  [-180, 85.05112878],
  [100, 70],
  [-60, -70],
];
const SPREADS = [0, 0.0001, 0.001, 0.1, 1, 5, 30, 180];
const RADII = ['0', '0.5', '1', '10', '100', '1000', '5000', '50000', '500000', '5000000', '20000000', '-1', 'abc', 'inf', '1e3'];
const COUNTS = ['1', '2', '3', '5', '10', '100', '0', '-1', 'abc'];
const LAT_MAX = 85.05112878;

export class GeoGen {
  private r: Rng;
  /** Members added so far (members of searches and lookups come from here). */
  private members: string[] = ['m0', 'm1', 'nope'];

  constructor(seed: number) {
    this.r = new Rng(seed);
  }

  private member(): string {
    const r = this.r;
    if (r.chance(0.05)) return r.pick(['', 'nope', 'x y', '\xff\x00']);
    return r.pick(this.members);
  }

  private newMember(): string {
    const m = `m${this.r.int(300)}`;
    if (!this.members.includes(m)) this.members.push(m);
    return m;
  }

  /** A coordinate as text, with a random number of decimals. */
  private num(x: number): string {
    const r = this.r;
    const d = r.pick([0, 1, 3, 6, 6, 8, 12]);
    return x.toFixed(d);
  }

  /** A position: near a centre, anywhere, on a limit, or out of range / not a number. */
  private lonlat(valid = 0.95): [string, string] {
    const r = this.r;
    if (!r.chance(valid)) {
      return r.pick<[string, string]>([
        ['181', '0'],
        ['0', '86'],
        ['-180.0001', '10'],
        ['abc', '1'],
        ['1', ''],
        ['0', '-85.05112879'],
        ['1e400', '0'],
      ]);
    }
    const k = r.int(10);
    let lon: number;
    let lat: number;
    if (k < 7) {
      const [cx, cy] = r.pick(CENTRES);
      const sp = r.pick(SPREADS);
      lon = cx + (r.next() - 0.5) * sp;
      lat = cy + (r.next() - 0.5) * sp;
    } else if (k < 9) {
      lon = r.next() * 360 - 180;
      lat = (r.next() * 2 - 1) * LAT_MAX;
    } else {
      lon = r.pick([-180, 180, 0, 179.999999, -179.999999]);
      lat = r.pick([-LAT_MAX, LAT_MAX, 0, 85, -85]);
    }
    lon = Math.max(-180, Math.min(180, lon));
    lat = Math.max(-LAT_MAX, Math.min(LAT_MAX, lat));
    return [this.num(lon), this.num(lat)];
  }

  private unit(): string {
    return this.r.chance(0.95) ? this.r.pick(UNITS.slice(0, 7)) : this.r.pick(UNITS);
  }

  private radius(): string {
    return this.r.chance(0.93) ? this.r.pick(RADII.slice(0, 11)) : this.r.pick(RADII);
  }

  /** Optional search arguments in random order. */
  private options(store: 'radius' | 'search' | 'none'): string[] {
    const r = this.r;
    const out: string[][] = [];
    if (r.chance(0.4)) out.push(['WITHDIST']);
    if (r.chance(0.25)) out.push(['WITHCOORD']);
    if (r.chance(0.25)) out.push(['WITHHASH']);
    if (r.chance(0.5)) out.push([r.pick(['ASC', 'DESC', 'asc', 'desc'])]);
    if (r.chance(0.35)) {
      out.push(['COUNT', r.chance(0.9) ? r.pick(COUNTS.slice(0, 6)) : r.pick(COUNTS)]);
      if (r.chance(0.35)) out.push(['ANY']);
    } else if (r.chance(0.03)) out.push(['ANY']);
    if (store === 'radius' && r.chance(0.25)) {
      out.length = r.chance(0.9) ? 0 : out.length; // STORE is incompatible with WITH*
      out.push([r.pick(['STORE', 'STOREDIST']), r.pick(DST)]);
      if (r.chance(0.3)) out.push([r.pick(['ASC', 'DESC'])], ['COUNT', r.pick(COUNTS.slice(0, 6))]);
    }
    if (store === 'search') {
      if (r.chance(0.9)) out.length = 0;
      if (r.chance(0.5)) out.push(['STOREDIST']);
      if (r.chance(0.3)) out.push([r.pick(['ASC', 'DESC'])], ['COUNT', r.pick(COUNTS.slice(0, 6))]);
    }
    if (r.chance(0.02)) out.push([r.pick(['STORE', 'junk', 'WITHSCORES', 'BYRADIUS'])]);
    return r.shuffle(out).flat();
  }

  /** GEOSEARCH's FROM and BY parts (sometimes missing, doubled or mixed up). */
  private searchParts(): string[] {
    const r = this.r;
    const from = r.chance(0.6) ? ['FROMLONLAT', ...this.lonlat(0.97)] : ['FROMMEMBER', this.member()];
    const by = r.chance(0.55)
      ? ['BYRADIUS', this.radius(), this.unit()]
      : ['BYBOX', this.radius(), r.chance(0.2) ? this.radius() : r.pick(['1', '100', '10000', '500000', '4000000']), this.unit()];
    const k = r.int(40);
    if (k === 0) return by;
    if (k === 1) return from;
    if (k === 2) return [...from, ...from, ...by];
    if (k === 3) return [...from, ...by, ...by];
    return r.chance(0.8) ? [...from, ...by] : [...by, ...from];
  }

  next(): Args {
    const r = this.r;
    const k = r.int(100);
    if (k < 22) {
      const a = ['GEOADD', r.pick(['g1', 'g1', 'g2', 'str', 'd1'])];
      if (r.chance(0.25)) a.push(r.pick(['NX', 'XX', 'CH', 'nx', 'ch']));
      if (r.chance(0.1)) a.push(r.pick(['CH', 'XX', 'NX']));
      const n = r.range(1, 6);
      for (let i = 0; i < n; i++) a.push(...this.lonlat(0.97), this.newMember());
      if (r.chance(0.02)) a.pop();
      return a;
    }
    if (k < 28) return ['GEOPOS', r.pick(READ), ...Array.from({ length: r.range(1, 4) }, () => this.member())];
    if (k < 33) return ['GEOHASH', r.pick(READ), ...Array.from({ length: r.range(1, 4) }, () => this.member())];
    if (k < 39) {
      const a = ['GEODIST', r.pick(READ), this.member(), this.member()];
      if (r.chance(0.7)) a.push(this.unit());
      if (r.chance(0.02)) a.push('extra');
      return a;
    }
    if (k < 55) {
      const ro = r.chance(0.3);
      return [ro ? 'GEORADIUS_RO' : 'GEORADIUS', r.pick(SRC), ...this.lonlat(0.97), this.radius(), this.unit(), ...this.options(ro ? 'none' : 'radius')];
    }
    if (k < 63) {
      const ro = r.chance(0.3);
      return [ro ? 'GEORADIUSBYMEMBER_RO' : 'GEORADIUSBYMEMBER', r.pick(SRC), this.member(), this.radius(), this.unit(), ...this.options(ro ? 'none' : 'radius')];
    }
    if (k < 80) return ['GEOSEARCH', r.pick(SRC), ...this.searchParts(), ...this.options('none')];
    if (k < 86) return ['GEOSEARCHSTORE', r.pick(DST), r.pick(SRC), ...this.searchParts(), ...this.options('search')];
    if (k < 91) return ['ZRANGE', r.pick(['d1', 'd2', 'g2']), '0', '-1', 'WITHSCORES'];
    if (k < 93) return ['ZADD', r.pick(['g1', 'g2']), r.pick(['-1', '1e30', '0.5', '4503599627370496', '9007199254740992', 'inf', '-inf', '123456789']), this.newMember()];
    if (k < 95) return ['ZREM', r.pick(['g1', 'g2']), this.member(), this.member()];
    if (k < 96) return ['DEL', r.pick(['g2', 'd1', 'd2', 'str'])];
    if (k < 97) return ['SET', 'str', 'x'];
    if (k < 98) return ['OBJECT', 'ENCODING', r.pick(READ)];
    if (k < 99) return ['TYPE', r.pick(READ)];
    return ['ZCARD', r.pick(READ)];
  }
}
