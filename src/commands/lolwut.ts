/**
 * LOLWUT [VERSION v] [args]: Redis 7.0's dispatch on the version, with
 * tredis's own drawings where Redis draws (versions 5 and 6), each ending
 * like Redis's with one line "<credit>. Redis ver. <version>\n". Without a
 * version, and for versions other than 5 and 6, the reply is exactly
 * Redis 7.0.15's: "Redis ver. 7.0.15\n" and no drawing.
 */
import type { CommandSpec } from '../server/command';
import type { Client } from '../server/client';
import { Err } from '../protocol/errors';
import { toInt64 } from '../util/numbers';
import { REDIS_VERSION } from '../version';

export const LOLWUT5_CREDIT = 'tredis - tiles weathering, characters on a terminal, 2026';
export const LOLWUT6_CREDIT = 'tredis - dunes under the stars, characters on a terminal, 2026';

const clamp = (n: bigint, lo: number, hi: number): number => (n < BigInt(lo) ? lo : n > BigInt(hi) ? hi : Number(n));

/** getLongFromObjectOrReply() over the optional arguments: null after an error reply. */
function longArgs(c: Client, args: string[], defaults: number[]): bigint[] | null {
  const out: bigint[] = [];
  for (let i = 0; i < defaults.length; i++) {
    if (i >= args.length) {
      out.push(BigInt(defaults[i]));
      continue;
    }
    const n = toInt64(args[i]);
    if (n === null) {
      c.error(Err.notInteger);
      return null;
    }
    out.push(n);
  }
  return out;
}

/**
 * Version 5: a grid of square tiles, orderly at the top and weathering row
 * after row (a fixed pattern, the same at every call). Arguments as Redis's:
 * columns (1..1000, default 66), tiles per row and per column (1..200,
 * defaults 8 and 12).
 */
export function drawTiles(cols: number, perRow: number, perCol: number): string {
  const ramp = ' .:;+=x#';
  const tile = Math.max(2, Math.floor(cols / perRow));
  const tileH = Math.max(2, Math.round(tile / 2));
  const width = Math.min(cols, tile * perRow);
  let out = '';
  for (let y = 0; y < tileH * perCol; y++) {
    const tr = Math.floor(y / tileH);
    const ly = y % tileH;
    let line = '';
    for (let x = 0; x < width; x++) {
      const tc = Math.floor(x / tile);
      const lx = x % tile;
      // how worn this row of tiles is, 0 (new) .. ramp.length - 1
      const wear = Math.floor((tr * (ramp.length - 1)) / Math.max(1, perCol - 1));
      if (ly === 0 && lx === 0) line += '+';
      else if (ly === 0) line += (lx * 3 + tc + tr * 5) % (perCol + 1) < tr ? ' ' : '-';
      else if (lx === 0) line += (ly * 7 + tc * 3 + tr) % (perCol + 1) < tr ? ' ' : '|';
      else line += ramp[(lx * 5 + ly * 11 + tc * 7 + tr * 3) % (wear + 1)];
    }
    out += line.replace(/ +$/, '') + '\n';
  }
  return out;
}

/**
 * Version 6: dunes under a starry sky. Arguments as Redis's: columns
 * (1..1000, default 80) and rows (1..1000, default 20).
 */
export function drawDunes(cols: number, rows: number): string {
  let out = '';
  const ground = (x: number) => {
    const h = 0.45 + 0.18 * Math.sin(x / 9) + 0.1 * Math.sin(x / 3.7 + 1) + 0.05 * Math.sin(x / 1.9 + 2);
    return Math.round(rows * (1 - h));
  };
  for (let y = 0; y < rows; y++) {
    let line = '';
    for (let x = 0; x < cols; x++) {
      const g = ground(x);
      if (y < g) line += (x * 31 + y * 17) % 23 === 0 ? '*' : (x * 13 + y * 29) % 41 === 0 ? '.' : ' ';
      else if (y < ground(x - 1)) line += '/'; // the slope rising from the left
      else if (y < ground(x + 1)) line += '\\'; // falling to the right
      else if (y === g) line += '_';
      else line += (x + y) % 4 === 0 ? ':' : (x * 3 + y) % 7 === 0 ? '.' : ' ';
    }
    out += line.replace(/ +$/, '') + '\n';
  }
  return out;
}

function lolwut(c: Client, argv: string[]): void {
  let version: number | null = null;
  let args = argv.slice(1);
  if (argv.length >= 3 && argv[1].toLowerCase() === 'version') {
    const v = toInt64(argv[2]);
    if (v === null) return c.error(Err.notInteger);
    version = Number(BigInt.asUintN(32, v)); // printed with %u after a cast to unsigned int
    args = argv.slice(3);
  }
  let text: string;
  if (version === 5) {
    const a = longArgs(c, args, [66, 8, 12]);
    if (!a) return;
    text = drawTiles(clamp(a[0], 1, 1000), clamp(a[1], 1, 200), clamp(a[2], 1, 200)) + `\n${LOLWUT5_CREDIT}. Redis ver. ${REDIS_VERSION}\n`;
  } else if (version === 6) {
    const a = longArgs(c, args, [80, 20]);
    if (!a) return;
    text = drawDunes(clamp(a[0], 1, 1000), clamp(a[1], 1, 1000)) + `${LOLWUT6_CREDIT}. Redis ver. ${REDIS_VERSION}\n`;
  } else {
    text = `Redis ver. ${REDIS_VERSION}\n`;
  }
  c.reply.verbatim(text);
}

export const lolwutCommands: CommandSpec[] = [{ name: 'lolwut', handler: lolwut }];
