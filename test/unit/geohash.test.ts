/**
 * Geohash arithmetic (store/geohash.ts): scores, decoded coordinates,
 * GEOHASH strings and distances compared with values read from a real
 * redis-server 7.0.15; encode/decode round trips; the 9 search cells
 * (neighbours wrapping at the antimeridian and the poles, step estimate,
 * exclusion of useless cells); the printf-style number formatting.
 */
import { describe, expect, it } from 'vitest';
import {
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  SHAPE_BOX,
  SHAPE_CIRCLE,
  cellRange,
  cellScores,
  decodeScore,
  distance,
  encodeScore,
  encodeScoreString,
  estimateSteps,
  geohashString,
  newSearchArea,
  newShape,
  searchArea,
  withinShape,
  xy,
} from '../../src/store/geohash';
import { prng } from '../prng';
import { formatFixed, formatHuman } from '../../src/util/printf';

function pos(score: number): [string, string] {
  decodeScore(score);
  return [formatHuman(xy[0]), formatHuman(xy[1])];
}

describe('scores and coordinates (values from redis-server 7.0.15)', () => {
  it('encodes GEOADD positions to the same scores', () => {
    expect(encodeScore(13.361389, 38.115556)).toBe(3479099956230698);
    expect(encodeScore(15.087269, 37.502669)).toBe(3479447370796909);
    expect(encodeScore(0, 0)).toBe(3377699720527872);
    expect(encodeScore(-180, -85.05112878)).toBe(0);
    expect(encodeScore(180, 0)).toBe(10133099161583616);
    expect(encodeScore(0, 85.05112878)).toBe(6755399441055744);
    // the very corner overflows both 26-bit indexes (bits 52 and 53)
    expect(encodeScore(180, 85.05112878)).toBe(13510798882111488);
    expect(encodeScore(-179.9, 85)).toBe(1501200147130130);
    expect(encodeScore(179.9, -85)).toBe(3002399480240365);
    expect(encodeScore(1, 0)).toBe(3377736806566050);
    expect(encodeScore(0, 1)).toBe(3377785620988224);
  });

  it('rejects positions outside the limits', () => {
    expect(encodeScore(180.0000001, 0)).toBeNaN();
    expect(encodeScore(0, GEO_LAT_MAX + 1e-9)).toBeNaN();
    expect(encodeScore(0, GEO_LAT_MIN - 1e-9)).toBeNaN();
    expect(encodeScoreString(-181, 0)).toBe('');
  });

  it('gives the exact digits GEOADD propagates', () => {
    expect(encodeScoreString(13.361389, 38.115556)).toBe('3479099956230698');
    expect(encodeScoreString(180, 85.05112878)).toBe('13510798882111488');
  });

  it('decodes scores to the centre of their cell, clamped to the limits', () => {
    expect(pos(3479099956230698)).toEqual(['13.36138933897018433', '38.11555639549629859']);
    expect(pos(3479447370796909)).toEqual(['15.08726745843887329', '37.50266842333162032']);
    expect(pos(13510798882111488)).toEqual(['180', '85.0511287799999991']);
    expect(pos(0)).toEqual(['-179.99999731779098511', '-85.05112751263942528']);
    expect(pos(3377699720527872)).toEqual(['0.00000268220901489', '0.00000126736058093']);
    expect(pos(10133099161583616)).toEqual(['180', '0.00000126736058093']);
  });

  it('decodes bogus scores as redis does ((uint64_t) of the double)', () => {
    expect(pos(-1)).toEqual(['180', '85.0511287799999991']);
    expect(pos(1e30)).toEqual(['-179.99999731779098511', '-85.05112751263942528']);
    expect(pos(-1e30)).toEqual(['180', '-85.05112751263942528']);
    expect(pos(0.5)).toEqual(['-179.99999731779098511', '-85.05112751263942528']);
    expect(pos(9007199254740992)).toEqual(['180', '-85.05112751263942528']);
    expect(pos(Infinity)).toEqual(pos(0));
  });

  it('makes the 11-character GEOHASH strings', () => {
    expect(geohashString(3479099956230698)).toBe('sqc8b49rny0');
    expect(geohashString(3479447370796909)).toBe('sqdtr74hyu0');
    expect(geohashString(13510798882111488)).toBe('bp05b5048p0');
    expect(geohashString(0)).toBe('00bh0hbj200');
    expect(geohashString(3377699720527872)).toBe('s0000000000');
    expect(geohashString(10133099161583616)).toBe('80000000000');
    expect(geohashString(6755399441055744)).toBe('up05b5048p0');
    expect(geohashString(-1)).toBe('bp05b5048p0');
  });

  it('round-trips: a decoded position encodes back to the same score', () => {
    const rnd = prng(7);
    for (let i = 0; i < 20000; i++) {
      const lon = rnd() * 360 - 180;
      const lat = rnd() * 2 * GEO_LAT_MAX - GEO_LAT_MAX;
      const s = encodeScore(lon, lat);
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 52).toBe(true);
      decodeScore(s);
      expect(Math.abs(xy[0] - lon)).toBeLessThan(360 / 2 ** 26);
      expect(Math.abs(xy[1] - lat)).toBeLessThan((2 * GEO_LAT_MAX) / 2 ** 26);
      expect(encodeScore(xy[0], xy[1])).toBe(s);
    }
  });
});

describe('distances (GEODIST replies of redis-server 7.0.15)', () => {
  const d = (s1: number, s2: number, unit = 1) => {
    decodeScore(s1);
    const a = xy[0];
    const b = xy[1];
    decodeScore(s2);
    return formatFixed(distance(a, b, xy[0], xy[1]) / unit, 4);
  };
  const palermo = 3479099956230698;
  const catania = 3479447370796909;

  it('in every unit', () => {
    expect(d(palermo, catania)).toBe('166274.1516');
    expect(d(palermo, catania, 1000)).toBe('166.2742');
    expect(d(palermo, catania, 1609.34)).toBe('103.3182');
    expect(d(palermo, catania, 0.3048)).toBe('545518.8700');
    expect(d(palermo, palermo)).toBe('0.0000');
  });

  it('along a meridian, a parallel, and across the antimeridian near the poles', () => {
    expect(d(3377699720527872, 3377785620988224)).toBe('111226.0989');
    expect(d(3377699720527872, 3377736806566050)).toBe('111225.9950');
    expect(d(1501200147130130, 3002399480240365)).toBe('18908472.6210');
  });
});

describe('search cells', () => {
  it('estimates the step from the radius, coarser near the poles', () => {
    expect(estimateSteps(0, 0)).toBe(26);
    // 1 m doubles 25 times to pass MERCATOR_MAX: step 26, minus 2
    expect(estimateSteps(1, 0)).toBe(24);
    expect(estimateSteps(1000, 0)).toBe(14);
    expect(estimateSteps(1000, 70)).toBe(13);
    expect(estimateSteps(1000, -81)).toBe(12);
    expect(estimateSteps(5e7, 0)).toBe(1);
  });

  it('keeps the 9 cells of one step, moves wrapping around the antimeridian', () => {
    const s = newShape();
    s.lon = 179.9999;
    s.lat = 10;
    s.radius = 1000;
    const a = newSearchArea();
    searchArea(s, a);
    const max = 2 ** a.step - 1;
    expect(a.lon[0]).toBe(max); // centre in the last column
    expect(a.lon[3]).toBe(0); // east wraps to the first
    expect(a.lon[4]).toBe(max - 1);
    expect(a.lat[1]).toBe(a.lat[0] + 1);
    expect(a.lat[2]).toBe(a.lat[0] - 1);
  });

  it('wraps north of the top row to the bottom row', () => {
    const s = newShape();
    s.lon = 0;
    s.lat = 85.05;
    s.radius = 100000;
    const a = newSearchArea();
    searchArea(s, a);
    expect(a.lat[0]).toBe(2 ** a.step - 1);
    expect(a.lat[1]).toBe(0);
  });

  it('excludes neighbours the bounding box does not reach', () => {
    const s = newShape();
    s.lon = 13.361389;
    s.lat = 38.115556;
    s.radius = 1;
    const a = newSearchArea();
    searchArea(s, a);
    expect(a.used[0]).toBe(1);
    expect(Array.from(a.used).filter((u) => u === 1).length).toBeLessThan(9);
  });

  it('maps a cell to the score interval of its members', () => {
    const s = newShape();
    s.lon = 13.361389;
    s.lat = 38.115556;
    s.radius = 200;
    s.conversion = 1000;
    const a = newSearchArea();
    searchArea(s, a);
    cellScores(a, 0);
    const score = encodeScore(13.361389, 38.115556);
    expect(score >= cellRange.min && score < cellRange.max).toBe(true);
    expect(cellRange.max - cellRange.min).toBe(2 ** (52 - 2 * a.step));
  });

  it('checks circles by distance and boxes by latitude then longitude distance', () => {
    const s = newShape();
    s.type = SHAPE_CIRCLE;
    s.lon = 0;
    s.lat = 0;
    // one degree of a great circle: 6372797.560856 * pi / 180 = 111226.29 m
    s.radius = 111227;
    expect(withinShape(s, 0, 1)).toBe(true);
    s.radius = 111226;
    expect(withinShape(s, 0, 1)).toBe(false);
    s.type = SHAPE_BOX;
    s.width = 2 * 111227;
    s.height = 10;
    expect(withinShape(s, 1, 0)).toBe(true);
    expect(withinShape(s, 1, 0.001)).toBe(false);
  });
});

describe('number formatting', () => {
  it('formats as printf %.<n>f, ties to even', () => {
    expect(formatFixed(181, 6)).toBe('181.000000');
    expect(formatFixed(-0, 6)).toBe('-0.000000');
    expect(formatFixed(0.03125, 4)).toBe('0.0312');
    expect(formatFixed(0.09375, 4)).toBe('0.0938');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(1e300, 1).startsWith('1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.0')).toBe(true);
    expect(formatFixed(Infinity, 6)).toBe('inf');
    expect(formatFixed(-Infinity, 6)).toBe('-inf');
  });

  it('formats coordinates as %.17Lf without trailing zeros', () => {
    expect(formatHuman(180)).toBe('180');
    expect(formatHuman(-0)).toBe('0');
    expect(formatHuman(0.5)).toBe('0.5');
    expect(formatHuman(-179.99999731779098511)).toBe('-179.99999731779098511');
  });
});
