/**
 * Geohash arithmetic for the GEO commands, following Redis 7.0's numbers
 * step for step (same floating point operations in the same order), so that
 * scores, decoded coordinates, distances and the searched cells are the
 * ones Redis computes. No RESP here.
 *
 * A position is stored as a sorted set score: the 26-step (52-bit)
 * interleaved geohash, latitude bits at even positions and longitude bits at
 * odd ones, latitude ranging over +-85.05112878 (the Web Mercator limits).
 * A cell of `step` bits per axis is kept as its two integer indexes (`lat`,
 * `lon`, each below 2^step except at the very edge: an encoded longitude of
 * exactly 180 gives 2^step, as in Redis), which makes the neighbour moves
 * plain integer arithmetic.
 */

import { asin as gasin, cos as gcos, sin as gsin } from './geomath';

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
/** Earth's quadratic mean radius for WGS-84, as Redis uses it. */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
export const MERCATOR_MAX = 20037726.37;

const D_R = Math.PI / 180.0;

const TWO32 = 4294967296;

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

// ---- bit interleaving (32-bit halves, no BigInt on the hot paths) ---------------

/** The 16 low bits of x spread to the even bits of a 32-bit word. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** The even bits of a 32-bit word gathered into 16 bits. */
function squash16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** High and low 32-bit words of the last interleave()/scoreToWords(). */
let wordHi = 0;
let wordLo = 0;

/** interleave64(lat, lon) for indexes below 2^32, into wordHi/wordLo. */
function interleave(lat: number, lon: number): void {
  wordLo = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  wordHi = (spread16(lat / 65536) | (spread16(lon / 65536) << 1)) >>> 0;
}

/** The 64-bit value of wordHi/wordLo as a double (rounded once, like strtod of its digits). */
function wordsToNumber(): number {
  return wordHi * TWO32 + wordLo;
}

/** The exact decimal digits of wordHi/wordLo. */
function wordsToString(): string {
  if (wordHi < 0x200000) return String(wordHi * TWO32 + wordLo);
  return ((BigInt(wordHi) << 32n) | BigInt(wordLo)).toString();
}

const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/**
 * (uint64_t)score as x86-64 computes it, into wordHi/wordLo: truncation
 * toward zero; a negative value wraps (two's complement of its truncation),
 * at or below -2^63 it gives 2^63, at or above 2^64 it gives 0.
 */
function scoreToWords(score: number): void {
  if (score >= 0 && score < TWO64) {
    const t = Math.trunc(score);
    const hi = Math.floor(t / TWO32);
    wordHi = hi;
    wordLo = t - hi * TWO32;
    return;
  }
  if (score >= TWO64) {
    wordHi = 0;
    wordLo = 0;
    return;
  }
  if (score <= -TWO63) {
    wordHi = 0x80000000;
    wordLo = 0;
    return;
  }
  const v = (1n << 64n) + BigInt(Math.trunc(score));
  wordHi = Number(v >> 32n);
  wordLo = Number(v & 0xffffffffn);
}

// ---- encode / decode ----------------------------------------------------------------

/** Indexes of the last encode(): latitude and longitude cell numbers. */
export const cellOut = { lat: 0, lon: 0 };

/**
 * geohashEncode() of a position in the given ranges, into cellOut. False
 * outside the GEO limits or the ranges (Redis then leaves the hash zero).
 */
export function encode(
  lonMin: number,
  lonMax: number,
  latMin: number,
  latMax: number,
  longitude: number,
  latitude: number,
  step: number,
): boolean {
  if (longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX || latitude < GEO_LAT_MIN) return false;
  if (latitude < latMin || latitude > latMax || longitude < lonMin || longitude > lonMax) return false;
  const scale = 2 ** step;
  // (uint32_t) conversions of values in [0, 2^step]
  cellOut.lat = Math.trunc(((latitude - latMin) / (latMax - latMin)) * scale);
  cellOut.lon = Math.trunc(((longitude - lonMin) / (lonMax - lonMin)) * scale);
  return true;
}

/** The 26-step WGS84 score of a valid position (GEOADD), or NaN outside the limits. */
export function encodeScore(longitude: number, latitude: number): number {
  if (!encode(GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX, longitude, latitude, GEO_STEP_MAX)) return NaN;
  interleave(cellOut.lat, cellOut.lon);
  return wordsToNumber();
}

/**
 * The score as GEOADD passes it on to ZADD: the exact integer digits (only
 * differs from the stored double for a longitude of exactly 180).
 */
export function encodeScoreString(longitude: number, latitude: number): string {
  if (!encode(GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX, longitude, latitude, GEO_STEP_MAX)) return '';
  interleave(cellOut.lat, cellOut.lon);
  return wordsToString();
}

/** The exact digits of the score the last encodeScore() computed. */
export function lastScoreString(): string {
  return wordsToString();
}

/** geohashDecode() of WGS84 cell indexes (32-bit unsigned) at `step`, into out = [latMin, latMax, lonMin, lonMax]. */
function decodeArea(ilat: number, ilon: number, step: number, out: Float64Array): void {
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const lonScale = GEO_LONG_MAX - GEO_LONG_MIN;
  const inv = 2 ** -step; // dividing by a power of two: the same as this product
  out[0] = GEO_LAT_MIN + ilat * inv * latScale;
  out[1] = GEO_LAT_MIN + ((ilat + 1) >>> 0) * inv * latScale; // uint32 arithmetic wraps
  out[2] = GEO_LONG_MIN + ilon * inv * lonScale;
  out[3] = GEO_LONG_MIN + ((ilon + 1) >>> 0) * inv * lonScale;
}

const INV_2_26 = 2 ** -26;
const LAT_SCALE = GEO_LAT_MAX - GEO_LAT_MIN;
const LONG_SCALE = GEO_LONG_MAX - GEO_LONG_MIN;

/** Longitude and latitude of the last decodeScore(). */
export const xy = new Float64Array(2);

/**
 * decodeGeohash(): the centre of the 26-step cell a score names, clamped to
 * the GEO limits, into `xy`. Any score decodes (bogus ones to clamped values).
 */
export function decodeScore(score: number): void {
  let hi: number;
  let lo: number;
  if (score >= 0 && score < TWO64) {
    // ToUint32 truncates and takes the value modulo 2^32: the two words of (uint64_t)score
    hi = (score / TWO32) >>> 0;
    lo = score >>> 0;
  } else {
    scoreToWords(score);
    hi = wordHi;
    lo = wordLo;
  }
  const ilat = (squash16(lo) | (squash16(hi) << 16)) >>> 0;
  const ilon = (squash16(lo >>> 1) | (squash16(hi >>> 1) << 16)) >>> 0;
  // geohashDecode() at step 26 (dividing by 2^26 is exact) and the cell centre
  const latMin = GEO_LAT_MIN + ilat * INV_2_26 * LAT_SCALE;
  const latMax = GEO_LAT_MIN + ((ilat + 1) >>> 0) * INV_2_26 * LAT_SCALE;
  const lonMin = GEO_LONG_MIN + ilon * INV_2_26 * LONG_SCALE;
  const lonMax = GEO_LONG_MIN + ((ilon + 1) >>> 0) * INV_2_26 * LONG_SCALE;
  let lon = (lonMin + lonMax) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (latMin + latMax) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  xy[0] = lon;
  xy[1] = lat;
}

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's string of a score: the decoded position re-encoded over the
 * standard latitude range (-90..90), 10 base32 characters of its 52 bits
 * plus a final '0' (Redis keeps the 11-character format).
 */
export function geohashString(score: number): string {
  decodeScore(score);
  if (!encode(-180, 180, -90, 90, xy[0], xy[1], GEO_STEP_MAX)) {
    interleave(0, 0);
  } else {
    interleave(cellOut.lat, cellOut.lon);
  }
  // 52 bits: wordHi holds bits 32..51 (20 bits), wordLo bits 0..31
  let s = '';
  for (let i = 0; i < 10; i++) {
    const shift = 52 - (i + 1) * 5; // 47, 42, ..., 2
    let idx: number;
    if (shift >= 32) idx = (wordHi >>> (shift - 32)) & 31;
    else if (shift + 5 <= 32) idx = (wordLo >>> shift) & 31;
    else idx = ((wordLo >>> shift) | (wordHi << (32 - shift))) & 31;
    s += BASE32[idx];
  }
  return s + '0';
}

// ---- distances -------------------------------------------------------------------------

/** Distance along a meridian (the haversine simplified when longitudes are equal). */
export function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/**
 * geohashGetDistance(): haversine great circle distance in meters, with
 * sin/cos/asin rounded as glibc rounds them (geomath.ts), so that the
 * digits match Redis's.
 */
export function distance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = gsin((lon2r - lon1r) / 2);
  // equal longitudes: the cheaper formula, which Redis also takes
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = gsin((lat2r - lat1r) / 2);
  const a = u * u + gcos(lat1r) * gcos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * gasin(Math.sqrt(a));
}

/** The same with V8's Math functions: within a few ulps, much cheaper (for filtering). */
function roughDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

// ---- search shapes and areas -----------------------------------------------------------

export const SHAPE_CIRCLE = 0;
export const SHAPE_BOX = 1;

/** A search: centre, radius or box (in the unit), and the unit's meters. */
export interface GeoShape {
  type: number;
  lon: number;
  lat: number;
  radius: number;
  width: number;
  height: number;
  conversion: number;
}

export function newShape(): GeoShape {
  return { type: SHAPE_CIRCLE, lon: 0, lat: 0, radius: 0, width: 0, height: 0, conversion: 1 };
}

/**
 * The distance of the last withinShape() that returned true, in meters:
 * exact (as Redis computes it) when `shapeExact`, else V8's rough value,
 * within a few ulps; exactDistance() gives the exact one when it matters.
 */
export let shapeDistance = 0;
export let shapeExact = false;

/** Relative margin beyond the rough distance's possible error (up to ~1e-8 near antipodes). */
const MARGIN = 1e-7;

/** 1: clearly beyond limit, -1: clearly within, 0: too close to tell from the rough value. */
function compareRough(rough: number, limit: number): number {
  if (rough > limit * (1 + MARGIN) + 1e-6) return 1;
  if (rough < limit * (1 - MARGIN) - 1e-6) return -1;
  return 0;
}

/**
 * geoWithinShape() for a decoded point (lon, lat): inside the circle / box?
 * The rough distance decides unless it is too close to the limit; then the
 * exact one does.
 */
export function withinShape(s: GeoShape, lon: number, lat: number): boolean {
  if (s.type === SHAPE_CIRCLE) {
    const limit = s.radius * s.conversion;
    const rough = roughDistance(s.lon, s.lat, lon, lat);
    const c = compareRough(rough, limit);
    if (c > 0) return false;
    if (c < 0) {
      shapeDistance = rough;
      shapeExact = false;
      return true;
    }
    const d = distance(s.lon, s.lat, lon, lat);
    if (d > limit) return false;
    shapeDistance = d;
    shapeExact = true;
    return true;
  }
  const widthM = s.width * s.conversion;
  const heightM = s.height * s.conversion;
  // latitude distance first: cheaper (and exact: no trigonometry)
  if (latDistance(lat, s.lat) > heightM / 2) return false;
  const halfWidth = widthM / 2;
  const c = compareRough(roughDistance(lon, lat, s.lon, lat), halfWidth);
  if (c > 0 || (c === 0 && distance(lon, lat, s.lon, lat) > halfWidth)) return false;
  shapeDistance = roughDistance(s.lon, s.lat, lon, lat);
  shapeExact = false;
  return true;
}

/** The exact distance from the shape's centre (what Redis replies and stores). */
export function exactDistance(s: GeoShape, lon: number, lat: number): number {
  return distance(s.lon, s.lat, lon, lat);
}

/** geohashEstimateStepsByRadius(). */
export function estimateSteps(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2; // so that the range fits in most cases
  // cells get narrower towards the poles
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox(): [minLon, minLat, maxLon, maxLat] of a shape. */
export function boundingBox(s: GeoShape, out: Float64Array): void {
  const lon = s.lon;
  const lat = s.lat;
  const height = s.conversion * (s.type === SHAPE_CIRCLE ? s.radius : s.height / 2);
  const width = s.conversion * (s.type === SHAPE_CIRCLE ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / gcos(degRad(lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / gcos(degRad(lat - latDelta)));
  // the hemispheres widen in opposite directions
  const south = lat < 0;
  out[0] = south ? lon - lonDeltaBottom : lon - lonDeltaTop;
  out[2] = south ? lon + lonDeltaBottom : lon + lonDeltaTop;
  out[1] = lat - latDelta;
  out[3] = lat + latDelta;
}

/**
 * The cells to search, in Redis's order: centre, north, south, east, west,
 * north-east, north-west, south-east, south-west. A cell excluded as useless
 * has step 0. All at the same step.
 */
export interface SearchArea {
  step: number;
  lat: Int32Array; // cell indexes, 9 entries
  lon: Int32Array;
  used: Uint8Array; // 0: excluded
}

export function newSearchArea(): SearchArea {
  return { step: 0, lat: new Int32Array(9), lon: new Int32Array(9), used: new Uint8Array(9) };
}

const C_CENTER = 0;
const C_NORTH = 1;
const C_SOUTH = 2;
const C_EAST = 3;
const C_WEST = 4;
const C_NE = 5;
const C_NW = 6;
const C_SE = 7;
const C_SW = 8;
// latitude / longitude moves of each cell
const DLAT = [0, 1, -1, 0, 0, 1, 1, -1, -1];
const DLON = [0, 0, 0, 1, -1, 1, -1, 1, -1];

const bounds = new Float64Array(4);
const nbArea = new Float64Array(4);

/** The 9 cells around the centre at `step` (moves wrap around within step bits). */
function fillCells(a: SearchArea, clat: number, clon: number, step: number): void {
  const mask = 2 ** step - 1;
  a.step = step;
  for (let i = 0; i < 9; i++) {
    // a moved coordinate is masked to step bits; an unmoved one is kept as is
    a.lat[i] = DLAT[i] === 0 ? clat : (clat + DLAT[i]) & mask;
    a.lon[i] = DLON[i] === 0 ? clon : (clon + DLON[i]) & mask;
    a.used[i] = 1;
  }
}

/** Decode cell i of the area into `out` (WGS84 ranges). */
function cellArea(a: SearchArea, i: number, out: Float64Array): void {
  decodeArea(a.lat[i] >>> 0, a.lon[i] >>> 0, a.step, out);
}

/**
 * geohashCalculateAreasByShapeWGS84(): the step from the radius (or the
 * box's half diagonal), one step coarser when a neighbour does not reach
 * the bounding box, and neighbours that the box does not touch excluded.
 */
export function searchArea(s: GeoShape, a: SearchArea): void {
  boundingBox(s, bounds);
  const minLon = bounds[0];
  const minLat = bounds[1];
  const maxLon = bounds[2];
  const maxLat = bounds[3];
  let radiusMeters =
    s.type === SHAPE_CIRCLE ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radiusMeters *= s.conversion;

  let steps = estimateSteps(radiusMeters, s.lat);
  encode(GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX, s.lon, s.lat, steps);
  fillCells(a, cellOut.lat, cellOut.lon, steps);

  // near the edge of the centre cell a neighbour may not cover the whole box
  let decrease = false;
  cellArea(a, C_NORTH, nbArea);
  if (nbArea[1] < maxLat) decrease = true;
  cellArea(a, C_SOUTH, nbArea);
  if (nbArea[0] > minLat) decrease = true;
  cellArea(a, C_EAST, nbArea);
  if (nbArea[3] < maxLon) decrease = true;
  cellArea(a, C_WEST, nbArea);
  if (nbArea[2] > minLon) decrease = true;
  if (steps > 1 && decrease) {
    steps--;
    encode(GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX, s.lon, s.lat, steps);
    fillCells(a, cellOut.lat, cellOut.lon, steps);
  }

  if (steps >= 2) {
    cellArea(a, C_CENTER, nbArea);
    const used = a.used;
    if (nbArea[0] < minLat) used[C_SOUTH] = used[C_SW] = used[C_SE] = 0;
    if (nbArea[1] > maxLat) used[C_NORTH] = used[C_NE] = used[C_NW] = 0;
    if (nbArea[2] < minLon) used[C_WEST] = used[C_SW] = used[C_NW] = 0;
    if (nbArea[3] > maxLon) used[C_EAST] = used[C_SE] = used[C_NE] = 0;
  }
}

/** Score range [min, max) of cell i: its bits aligned to 52 bits, and the next value's. */
export const cellRange = { min: 0, max: 0 };

export function cellScores(a: SearchArea, i: number): void {
  interleave(a.lat[i] >>> 0, a.lon[i] >>> 0);
  const bits = wordsToNumber(); // below 2^54, exact except at the 180 meridian edge
  const shift = 2 ** (52 - a.step * 2);
  cellRange.min = bits * shift;
  cellRange.max = (bits + 1) * shift;
}
