/**
 * Geo searches (Redis 7.0 georadiusGeneric): GEORADIUS, GEORADIUSBYMEMBER,
 * their _RO forms, GEOSEARCH and GEOSEARCHSTORE.
 *
 * The search covers the 9 geohash cells Redis picks (store/geohash.ts
 * searchArea); each cell is a score interval [min, max) of the sorted set,
 * walked on the skiplist from its first node in range, so the cost follows
 * the members near the centre, not the size of the set. Every candidate is
 * decoded and kept if its distance (circle) or its latitude and longitude
 * distances (box) fit, then sorted by distance when asked (the whole list
 * with a stable sort, as glibc's qsort; the first COUNT with Redis's partial
 * quicksort) and replied or stored.
 *
 * Distances are first computed with V8's Math functions (fast, within a few
 * ulps) and recomputed with glibc's rounding (store/geomath.ts) wherever
 * that could change a reply: a point near the radius, distances that might
 * sort differently, a 4th decimal near a rounding midpoint, STOREDIST.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Notify } from '../store/keyspace';
import { ZSet } from '../store/zset';
import { ScoreRange, valueLteMax } from '../store/skiplist';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  GeoShape,
  SHAPE_BOX,
  SHAPE_CIRCLE,
  cellRange,
  cellScores,
  decodeScore,
  newSearchArea,
  newShape,
  searchArea,
  exactDistance,
  shapeDistance,
  shapeExact,
  withinShape,
  xy,
} from '../store/geohash';
import { toDouble } from '../util/numbers';
import { asZset, deleteResult, optIs, parseLong, storeResult, zsetLimits } from './zset-common';
import { formatFixed, formatHuman } from '../util/printf';

const RADIUS_COORDS = 1; // GEORADIUS: centre from arguments
const RADIUS_MEMBER = 2; // GEORADIUSBYMEMBER: centre from a member
const RADIUS_NOSTORE = 4; // the _RO forms
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

// ---- argument helpers (shared with geo.ts) -------------------------------------------

/** Longitude and latitude of the last parseLonLat(). */
export const lonLat = new Float64Array(2);

/**
 * extractLongLatOrReply(): two floats within the GEO limits, into lonLat;
 * false after replying the error.
 */
export function parseLonLat(c: Client, lonArg: string, latArg: string): boolean {
  const lon = toDouble(lonArg);
  if (lon === null) {
    c.error(Err.notFloat);
    return false;
  }
  const lat = toDouble(latArg);
  if (lat === null) {
    c.error(Err.notFloat);
    return false;
  }
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    c.error(Err.geoLonLat(formatFixed(lon, 6), formatFixed(lat, 6)));
    return false;
  }
  lonLat[0] = lon;
  lonLat[1] = lat;
  return true;
}

/** extractUnitOrReply(): meters per unit, or -1 after replying the error. */
export function parseUnit(c: Client, u: string): number {
  if (optIs(u, 'm')) return 1;
  if (optIs(u, 'km')) return 1000;
  if (optIs(u, 'ft')) return 0.3048;
  if (optIs(u, 'mi')) return 1609.34;
  c.error(Err.geoUnit);
  return -1;
}

/** A distance as Redis replies it: a bulk string with 4 decimals, in either protocol. */
export function replyDistance(c: Client, d: number): void {
  c.reply.bulk(formatFixed(d, 4));
}

/** A coordinate: %.17Lf trimmed; a bulk string in RESP2, a double in RESP3. */
export function replyCoord(c: Client, d: number): void {
  c.reply.doubleText(formatHuman(d));
}


/** extractDistanceOrReply(): radius and unit into the shape; false after an error. */
function parseRadius(c: Client, radiusArg: string, unitArg: string, shape: GeoShape): boolean {
  const d = toDouble(radiusArg);
  if (d === null) {
    c.error(Err.geoNeedRadius);
    return false;
  }
  if (d < 0) {
    c.error(Err.geoRadiusNegative);
    return false;
  }
  const conv = parseUnit(c, unitArg);
  if (conv < 0) return false;
  shape.radius = d;
  shape.conversion = conv;
  return true;
}

/** extractBoxOrReply(): width, height and unit into the shape; false after an error. */
function parseBox(c: Client, wArg: string, hArg: string, unitArg: string, shape: GeoShape): boolean {
  const w = toDouble(wArg);
  if (w === null) {
    c.error(Err.geoNeedWidth);
    return false;
  }
  const h = toDouble(hArg);
  if (h === null) {
    c.error(Err.geoNeedHeight);
    return false;
  }
  if (h < 0 || w < 0) {
    c.error(Err.geoBoxNegative);
    return false;
  }
  const conv = parseUnit(c, unitArg);
  if (conv < 0) return false;
  shape.width = w;
  shape.height = h;
  shape.conversion = conv;
  return true;
}

/** longLatFromMember(): the member's decoded position as the shape's centre. */
function centreFromMember(z: ZSet, member: string, shape: GeoShape): boolean {
  const score = z.score(member);
  if (score === undefined) return false;
  decodeScore(score);
  shape.lon = xy[0];
  shape.lat = xy[1];
  return true;
}

// ---- the search ----------------------------------------------------------------------

/** Results of the running search (reused; a search never nests). */
const resMember: string[] = [];
const resScore: number[] = [];
const resLon: number[] = [];
const resLat: number[] = [];
const resDist: number[] = [];
/** Whether resDist[i] is the exact distance (else the rough one, see geohash.ts). */
const resExact: boolean[] = [];
let used = 0;

const range: ScoreRange = { min: 0, max: 0, minex: false, maxex: true };
const cells = newSearchArea();

/** geoGetPointsInRange(): members of one cell within the shape; stops at `limit` results. */
function pointsInRange(z: ZSet, min: number, max: number, shape: GeoShape, limit: number): void {
  range.min = min;
  range.max = max;
  const sl = z.sl;
  let n = sl.firstInRange(range);
  while (n !== 0) {
    const score = sl.score(n);
    if (!valueLteMax(score, range)) break;
    decodeScore(score);
    const lon = xy[0];
    const lat = xy[1];
    if (withinShape(shape, lon, lat)) {
      resMember[used] = sl.ele(n);
      resScore[used] = score;
      resLon[used] = lon;
      resLat[used] = lat;
      resDist[used] = shapeDistance;
      resExact[used] = shapeExact;
      used++;
    }
    if (used && limit && used >= limit) break;
    n = sl.next(n);
  }
}

/** membersOfAllNeighbors(): the 9 cells in order, skipping a cell equal to the one just searched. */
function searchCells(z: ZSet, shape: GeoShape, limit: number): void {
  let last = 0;
  for (let i = 0; i < 9; i++) {
    if (!cells.used[i]) continue;
    // with huge radii neighbours coincide; Redis compares with the last searched
    // cell only, and not when that was the centre (index 0)
    if (last !== 0 && cells.lat[i] === cells.lat[last] && cells.lon[i] === cells.lon[last]) continue;
    if (used && limit && used >= limit) break;
    cellScores(cells, i);
    pointsInRange(z, cellRange.min, cellRange.max, shape, limit);
    last = i;
  }
}

/** Replace result i's rough distance with the exact one. */
function makeExact(i: number, shape: GeoShape): void {
  if (!resExact[i]) {
    resDist[i] = exactDistance(shape, resLon[i], resLat[i]);
    resExact[i] = true;
  }
}

let sortedDists = new Float64Array(64);

/**
 * Before sorting: make exact the distances whose rough values could order
 * differently from the exact ones: values within a few ulps of another
 * value, and equal values that come from different positions (the exact
 * distances of two positions may differ where the rough ones coincide);
 * and every distance within a few meters of the antipode.
 */
function exactWhereOrderIsUnsure(shape: GeoShape): void {
  if (sortedDists.length < used) sortedDists = new Float64Array(used * 2);
  const d = sortedDists.subarray(0, used);
  for (let i = 0; i < used; i++) d[i] = resDist[i];
  d.sort();
  let near: Set<number> | null = null; // values in runs of (nearly) equal ones
  let need: Set<number> | null = null; // values to recompute
  for (let i = 1; i < used; i++) {
    const gap = d[i] - d[i - 1];
    if (gap > d[i] * 1e-12) continue;
    near ??= new Set<number>();
    near.add(d[i]);
    near.add(d[i - 1]);
    if (gap !== 0) {
      need ??= new Set<number>();
      need.add(d[i]);
      need.add(d[i - 1]);
    }
  }
  if (near !== null) {
    const first = new Map<number, number>();
    for (let i = 0; i < used; i++) {
      const v = resDist[i];
      if (!near.has(v)) continue;
      const j = first.get(v);
      if (j === undefined) first.set(v, i);
      else if (resLon[j] !== resLon[i] || resLat[j] !== resLat[i]) (need ??= new Set<number>()).add(v);
    }
  }
  const far = d[used - 1] > NEAR_ANTIPODE;
  if (need === null && !far) return;
  for (let i = 0; i < used; i++) {
    const v = resDist[i];
    if ((need !== null && need.has(v)) || v > NEAR_ANTIPODE) makeExact(i, shape);
  }
}

/** Distances beyond this (meters) are within a few meters of half the circumference. */
const NEAR_ANTIPODE = 2.0015e7;

/**
 * Is x (the distance d in the unit) so close to a 4-decimal rounding
 * midpoint that its rough value might print another 4th decimal?
 */
function nearRoundingPoint(x: number, d: number): boolean {
  if (d > NEAR_ANTIPODE) return true;
  const y = x * 1e4;
  const f = y - Math.floor(y);
  return Math.abs(f - 0.5) <= y * 1e-12 + 1e-9;
}

let order: number[] = [];

/** Comparison of results a and b by distance (sort_gp_asc / sort_gp_desc). */
let cmpDist: (a: number, b: number) => number = () => 0;
const ascDist = (a: number, b: number): number => (resDist[a] > resDist[b] ? 1 : resDist[a] === resDist[b] ? 0 : -1);
const descDist = (a: number, b: number): number => -ascDist(a, b);

/**
 * Sort the results: the whole list with a stable sort (glibc's qsort is a
 * merge sort), or, when only the first `returned` are needed, Redis's
 * partial quicksort, whose order among equal distances is its own.
 */
function sortResults(sort: number, returned: number): void {
  order.length = used;
  for (let i = 0; i < used; i++) order[i] = i;
  cmpDist = sort === SORT_ASC ? ascDist : descDist;
  if (returned === used) order.sort(cmpDist);
  else partialQsort(0, used, returned - 1);
}

function swap(i: number, j: number): void {
  const t = order[i];
  order[i] = order[j];
  order[j] = t;
}

function vecswap(i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(i + k, j + k);
}

function med3(a: number, b: number, c: number): number {
  const cmp = cmpDist;
  const o = order;
  return cmp(o[a], o[b]) < 0
    ? cmp(o[b], o[c]) < 0
      ? b
      : cmp(o[a], o[c]) < 0
        ? c
        : a
    : cmp(o[b], o[c]) > 0
      ? b
      : cmp(o[a], o[c]) < 0
        ? a
        : c;
}

function insertionSort(a: number, n: number): void {
  const o = order;
  for (let m = a + 1; m < a + n; m++) {
    for (let l = m; l > a && cmpDist(o[l - 1], o[l]) > 0; l--) swap(l, l - 1);
  }
}

/**
 * pqsort(): the Bentley-McIlroy quicksort (3-way partition, median of 3 or
 * of 9 pivots, insertion sort below 7 elements) that only sorts the parts
 * overlapping positions 0..rlast, over order[a .. a+n). Unlike BSD's qsort,
 * Redis's version has no switch to insertion sort after a pass without
 * swaps (checked against redis-server: the order of equal distances shows it).
 */
function partialQsort(a: number, n: number, rlast: number): void {
  const o = order;
  const cmp = cmpDist;
  for (;;) {
    if (n < 7) return insertionSort(a, n);
    let pm = a + (n >>> 1);
    if (n > 7) {
      let pl = a;
      let pn = a + n - 1;
      if (n > 40) {
        const d = (n / 8) | 0;
        pl = med3(pl, pl + d, pl + 2 * d);
        pm = med3(pm - d, pm, pm + d);
        pn = med3(pn - 2 * d, pn - d, pn);
      }
      pm = med3(pl, pm, pn);
    }
    swap(a, pm);
    let pa = a + 1;
    let pb = pa;
    let pc = a + n - 1;
    let pd = pc;
    for (;;) {
      let r: number;
      while (pb <= pc && (r = cmp(o[pb], o[a])) <= 0) {
        if (r === 0) {
          swap(pa, pb);
          pa++;
        }
        pb++;
      }
      while (pb <= pc && (r = cmp(o[pc], o[a])) >= 0) {
        if (r === 0) {
          swap(pc, pd);
          pd--;
        }
        pc--;
      }
      if (pb > pc) break;
      swap(pb, pc);
      pb++;
      pc--;
    }
    const pn = a + n;
    let r = Math.min(pa - a, pb - pa);
    vecswap(a, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(pb, pn - r, r);
    // only the parts that start at or before the last wanted position
    if ((r = pb - pa) > 1 && a <= rlast) partialQsort(a, r, rlast);
    if ((r = pd - pc) > 1) {
      a = pn - r;
      n = r;
      if (a <= rlast) continue;
    }
    return;
  }
}

// ---- the command -----------------------------------------------------------------------

const shape = newShape();

/** georadiusGeneric(). */
function georadiusGeneric(c: Client, argv: string[], srcIdx: number, flags: number): void {
  const db = c.db;
  const z = asZset(c, db.lookupRead(argv[srcIdx]));
  if (z === null) return;
  let storeKey: string | null = null;
  let storeDist = false;

  let base: number;
  shape.type = SHAPE_CIRCLE;
  shape.lon = shape.lat = shape.radius = shape.width = shape.height = 0;
  shape.conversion = 1;
  if (flags & RADIUS_COORDS) {
    base = 6;
    if (!parseLonLat(c, argv[2], argv[3])) return;
    shape.lon = lonLat[0];
    shape.lat = lonLat[1];
    if (!parseRadius(c, argv[4], argv[5], shape)) return;
  } else if (flags & RADIUS_MEMBER) {
    base = 5;
    // without the key only the options are checked (the reply depends on STORE)
    if (z !== undefined) {
      if (!centreFromMember(z, argv[2], shape)) return c.error(Err.geoMember);
      if (!parseRadius(c, argv[3], argv[4], shape)) return;
    }
  } else {
    base = 2;
    if (flags & GEOSEARCHSTORE) {
      base = 3;
      storeKey = argv[1];
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const argc = argv.length;
  const search = (flags & GEOSEARCH) !== 0;
  const canStore = !(flags & RADIUS_NOSTORE) && !search;
  for (let i = base; i < argc; i++) {
    const a = argv[i];
    const left = argc - i - 1; // arguments after this one
    if (optIs(a, 'withdist')) withDist = true;
    else if (optIs(a, 'withhash')) withHash = true;
    else if (optIs(a, 'withcoord')) withCoord = true;
    else if (optIs(a, 'any')) any = true;
    else if (optIs(a, 'asc')) sort = SORT_ASC;
    else if (optIs(a, 'desc')) sort = SORT_DESC;
    else if (optIs(a, 'count') && left >= 1) {
      const n = parseLong(argv[i + 1]);
      if (n === null) return c.error(Err.notInteger);
      if (n <= 0) return c.error(Err.geoCount);
      count = n;
      i++;
    } else if (optIs(a, 'store') && left >= 1 && canStore) {
      storeKey = argv[i + 1];
      storeDist = false;
      i++;
    } else if (optIs(a, 'storedist') && left >= 1 && canStore) {
      storeKey = argv[i + 1];
      storeDist = true;
      i++;
    } else if (optIs(a, 'storedist') && search && flags & GEOSEARCHSTORE) {
      storeDist = true;
    } else if (optIs(a, 'frommember') && left >= 1 && search && !fromLoc) {
      if (z !== undefined && !centreFromMember(z, argv[i + 1], shape)) return c.error(Err.geoMember);
      fromMember = true;
      i++;
    } else if (optIs(a, 'fromlonlat') && left >= 2 && search && !fromMember) {
      if (!parseLonLat(c, argv[i + 1], argv[i + 2])) return;
      shape.lon = lonLat[0];
      shape.lat = lonLat[1];
      fromLoc = true;
      i += 2;
    } else if (optIs(a, 'byradius') && left >= 2 && search && !byBox) {
      if (!parseRadius(c, argv[i + 1], argv[i + 2], shape)) return;
      shape.type = SHAPE_CIRCLE;
      byRadius = true;
      i += 2;
    } else if (optIs(a, 'bybox') && left >= 3 && search && !byRadius) {
      if (!parseBox(c, argv[i + 1], argv[i + 2], argv[i + 3], shape)) return;
      shape.type = SHAPE_BOX;
      byBox = true;
      i += 3;
    } else {
      return c.error(Err.syntax);
    }
  }

  if (storeKey !== null && (withDist || withHash || withCoord)) {
    return c.error(Err.geoStoreWith(flags & GEOSEARCHSTORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'));
  }
  if (search && !(fromMember || fromLoc)) return c.error(Err.geoFromOne(argv[0]));
  if (search && !(byRadius || byBox)) return c.error(Err.geoByOne(argv[0]));
  if (any && !count) return c.error(Err.geoAnyNeedsCount);

  if (z === undefined) {
    if (storeKey !== null) {
      deleteResult(db, storeKey);
      c.reply.int(0);
    } else {
      c.reply.array(0);
    }
    return;
  }

  // COUNT returns the closest ones: sorted ascending unless asked otherwise (not with ANY)
  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;

  searchArea(shape, cells);
  used = 0;
  searchCells(z, shape, any ? count : 0);
  const found = used;
  // drop the references kept from earlier searches
  resMember.length = found;

  if (found === 0 && storeKey === null) {
    c.reply.array(0);
    return;
  }
  const returned = count === 0 || found < count ? found : count;
  if (sort !== SORT_NONE) {
    if (used > 1) exactWhereOrderIsUnsure(shape);
    sortResults(sort, returned);
  } else {
    order.length = found;
    for (let i = 0; i < found; i++) order[i] = i;
  }
  const conv = shape.conversion;

  if (storeKey === null) {
    const r = c.reply;
    const opts = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0);
    r.array(returned);
    for (let k = 0; k < returned; k++) {
      const i = order[k];
      if (opts) r.array(opts + 1);
      r.bulk(resMember[i]);
      if (withDist) {
        if (!resExact[i] && nearRoundingPoint(resDist[i] / conv, resDist[i])) makeExact(i, shape);
        replyDistance(c, resDist[i] / conv);
      }
      if (withHash) r.int(Math.trunc(resScore[i]));
      if (withCoord) {
        r.array(2);
        replyCoord(c, resLon[i]);
        replyCoord(c, resLat[i]);
      }
    }
    resMember.length = 0;
    if (order.length > 1024) order = [];
    return;
  }

  if (returned === 0) {
    deleteResult(db, storeKey);
    c.reply.int(0);
    return;
  }
  // the stored set lists the members by score (geohash or distance)
  const pairs: { s: number; e: string }[] = new Array(returned);
  let maxlen = 0;
  for (let k = 0; k < returned; k++) {
    const i = order[k];
    const e = resMember[i];
    if (e.length > maxlen) maxlen = e.length;
    if (storeDist) makeExact(i, shape);
    pairs[k] = { s: storeDist ? resDist[i] / conv : resScore[i], e };
  }
  resMember.length = 0;
  pairs.sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.e < b.e ? -1 : a.e > b.e ? 1 : 0));
  const limits = zsetLimits(c);
  const listpack = returned <= limits.entries && maxlen <= limits.value;
  const eles = new Array<string>(returned);
  const scores = new Array<number>(returned);
  for (let k = 0; k < returned; k++) {
    eles[k] = pairs[k].e;
    scores[k] = pairs[k].s;
  }
  storeResult(db, storeKey, ZSet.fromSorted(eles, scores, listpack));
  c.reply.int(returned);
  db.written(storeKey, flags & GEOSEARCH ? 'geosearchstore' : 'georadiusstore', Notify.zset, returned);
}

export const geoSearchCommands: CommandSpec[] = [
  { name: 'georadius', handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_COORDS) },
  { name: 'georadius_ro', handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE) },
  { name: 'georadiusbymember', handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_MEMBER) },
  { name: 'georadiusbymember_ro', handler: (c, argv) => georadiusGeneric(c, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE) },
  { name: 'geosearch', handler: (c, argv) => georadiusGeneric(c, argv, 1, GEOSEARCH) },
  { name: 'geosearchstore', handler: (c, argv) => georadiusGeneric(c, argv, 2, GEOSEARCH | GEOSEARCHSTORE) },
];
