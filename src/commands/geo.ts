/**
 * Geo commands (Redis 7.0 geo.c): GEOADD GEOPOS GEODIST GEOHASH here, the
 * searches (GEORADIUS*, GEOSEARCH, GEOSEARCHSTORE) in geo-search.ts.
 *
 * Positions live in a sorted set whose scores are 52-bit geohashes
 * (store/geohash.ts), so every zset command works on them. GEOADD is ZADD
 * with computed scores: it fires "zadd" and propagates as that ZADD, as
 * Redis does.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { Notify } from '../store/keyspace';
import { ZADD_IN_NX, ZADD_IN_XX, ZADD_OUT_ADDED, ZADD_OUT_UPDATED, ZSet } from '../store/zset';
import { decodeScore, distance, encodeScore, geohashString, lastScoreString, xy } from '../store/geohash';
import { asZset, optIs, zsetLimits } from './zset-common';
import { geoSearchCommands, lonLat, parseLonLat, parseUnit, replyCoord, replyDistance } from './geo-search';

// ---- GEOADD -----------------------------------------------------------------------

const scores: number[] = [];

function geoadd(c: Client, argv: string[]): void {
  const argc = argv.length;
  let nx = false;
  let xx = false;
  let ch = false;
  let idx = 2;
  for (; idx < argc; idx++) {
    const o = argv[idx];
    if (optIs(o, 'nx')) nx = true;
    else if (optIs(o, 'xx')) xx = true;
    else if (optIs(o, 'ch')) ch = true;
    else break;
  }
  if ((argc - idx) % 3 !== 0 || (xx && nx)) return c.error(Err.syntax);
  const elements = (argc - idx) / 3;
  // the ZADD that GEOADD turns into (what Redis propagates)
  const zargv: string[] = ['zadd'];
  for (let i = 1; i < idx; i++) zargv.push(argv[i]);
  scores.length = elements;
  for (let i = 0; i < elements; i++) {
    const j = idx + i * 3;
    if (!parseLonLat(c, argv[j], argv[j + 1])) return;
    scores[i] = encodeScore(lonLat[0], lonLat[1]);
    zargv.push(lastScoreString(), argv[j + 2]);
  }
  // ZADD then rejects an empty list of pairs
  if (elements === 0) return c.error(Err.syntax);

  const db = c.db;
  const key = argv[1];
  let z = asZset(c, db.lookup(key));
  if (z === null) return;
  const flags = (nx ? ZADD_IN_NX : 0) | (xx ? ZADD_IN_XX : 0);
  let added = 0;
  let updated = 0;
  if (z === undefined && !xx) {
    z = new ZSet();
    db.setKey(key, z);
  }
  if (z !== undefined) {
    const limits = zsetLimits(c);
    for (let i = 0; i < elements; i++) {
      const out = z.add(scores[i], argv[idx + i * 3 + 2], flags, limits);
      if (out & ZADD_OUT_ADDED) added++;
      if (out & ZADD_OUT_UPDATED) updated++;
    }
  }
  c.reply.int(ch ? added + updated : added);
  c.rewriteArgv(zargv);
  if (added || updated) db.written(key, 'zadd', Notify.zset, added + updated);
}

// ---- GEOPOS / GEODIST / GEOHASH ----------------------------------------------------

function geopos(c: Client, argv: string[]): void {
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  const r = c.reply;
  r.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z === undefined ? undefined : z.score(argv[j]);
    if (score === undefined) {
      r.nullArray();
      continue;
    }
    decodeScore(score);
    r.array(2);
    replyCoord(c, xy[0]);
    replyCoord(c, xy[1]);
  }
}

function geodist(c: Client, argv: string[]): void {
  let toMeter = 1;
  if (argv.length === 5) {
    toMeter = parseUnit(c, argv[4]);
    if (toMeter < 0) return;
  } else if (argv.length > 5) {
    return c.error(Err.syntax);
  }
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  if (z === undefined) return c.reply.nullBulk();
  const s1 = z.score(argv[2]);
  const s2 = s1 === undefined ? undefined : z.score(argv[3]);
  if (s1 === undefined || s2 === undefined) return c.reply.nullBulk();
  decodeScore(s1);
  const lon1 = xy[0];
  const lat1 = xy[1];
  decodeScore(s2);
  replyDistance(c, distance(lon1, lat1, xy[0], xy[1]) / toMeter);
}

function geohash(c: Client, argv: string[]): void {
  const z = asZset(c, c.db.lookupRead(argv[1]));
  if (z === null) return;
  const r = c.reply;
  r.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const score = z === undefined ? undefined : z.score(argv[j]);
    if (score === undefined) r.nullBulk();
    else r.bulk(geohashString(score));
  }
}

export const geoCommands: CommandSpec[] = [
  { name: 'geoadd', handler: geoadd },
  { name: 'geopos', handler: geopos },
  { name: 'geodist', handler: geodist },
  { name: 'geohash', handler: geohash },
  ...geoSearchCommands,
];
