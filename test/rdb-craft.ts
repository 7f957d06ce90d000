/**
 * Hand-built RDB bytes for the DUMP/RESTORE tests, written from the format
 * descriptions and independent of the server's codec: lengths, strings,
 * payload footers (CRC-64 computed bit by bit), and the blobs of every
 * encoding Redis 7.0 loads (listpacks, ziplists, intsets, zipmaps, stream
 * nodes), with knobs to make them wrong in chosen ways.
 */

/** CRC-64 (Jones, reflected), bit by bit. */
export function crc64(buf: Uint8Array): bigint {
  const poly = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (const b of buf) {
    crc ^= BigInt(b);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  return crc;
}

/** rdbSaveLen. */
export function rdbLen(n: number | bigint): Buffer {
  const v = BigInt(n);
  if (v < 64n) return Buffer.from([Number(v)]);
  if (v < 16384n) return Buffer.from([0x40 | Number(v >> 8n), Number(v & 255n)]);
  if (v <= 0xffffffffn) {
    const b = Buffer.alloc(5);
    b[0] = 0x80;
    b.writeUInt32BE(Number(v), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0x81;
  b.writeBigUInt64BE(v, 1);
  return b;
}

/** A raw RDB string (no integer or LZF encoding). */
export function rdbStr(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
  return Buffer.concat([rdbLen(b.length), b]);
}

/** A DUMP payload: body, RDB version (2 bytes LE), CRC-64 (8 bytes LE; zeros when crc is false). */
export function payload(body: Buffer | number[], version = 10, crc = true): Buffer {
  const pre = Buffer.concat([Buffer.from(body), Buffer.from([version & 255, version >> 8])]);
  const c = Buffer.alloc(8);
  if (crc) c.writeBigUInt64LE(crc64(pre));
  return Buffer.concat([pre, c]);
}

export const cat = (...parts: (Buffer | number[])[]): Buffer => Buffer.concat(parts.map((p) => Buffer.from(p)));

// ---- listpacks ------------------------------------------------------------------

/** A listpack item: strings stay strings, numbers and bigints are integer entries. */
export type Item = string | number | bigint;

function backlen(l: number): number[] {
  if (l <= 127) return [l];
  if (l < 16383) return [l >> 7, (l & 127) | 128];
  return [l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128];
}

/** One listpack entry with its backlen (`badBacklen` adds one to it). */
export function lpEntry(x: Item, badBacklen = false): Buffer {
  let e: Buffer;
  if (typeof x === 'string') {
    const s = Buffer.from(x, 'latin1');
    const n = s.length;
    if (n < 64) e = cat([0x80 | n], s);
    else if (n < 4096) e = cat([0xe0 | (n >> 8), n & 255], s);
    else {
      const h = Buffer.alloc(5);
      h[0] = 0xf0;
      h.writeUInt32LE(n, 1);
      e = cat(h, s);
    }
  } else {
    const v = BigInt(x);
    if (v >= 0n && v <= 127n) e = Buffer.from([Number(v)]);
    else if (v >= -4096n && v <= 4095n) {
      const u = Number(v < 0n ? v + 8192n : v);
      e = Buffer.from([0xc0 | (u >> 8), u & 255]);
    } else if (v >= -32768n && v <= 32767n) {
      e = Buffer.alloc(3);
      e[0] = 0xf1;
      e.writeInt16LE(Number(v), 1);
    } else if (v >= -8388608n && v <= 8388607n) {
      e = Buffer.alloc(4);
      e[0] = 0xf2;
      e.writeIntLE(Number(v), 1, 3);
    } else if (v >= -2147483648n && v <= 2147483647n) {
      e = Buffer.alloc(5);
      e[0] = 0xf3;
      e.writeInt32LE(Number(v), 1);
    } else {
      e = Buffer.alloc(9);
      e[0] = 0xf4;
      e.writeBigInt64LE(v, 1);
    }
  }
  return cat(e, backlen(e.length + (badBacklen ? 1 : 0)));
}

/** A listpack of items; `count` overrides the header's element count. */
export function listpack(items: Item[], opts: { count?: number; entries?: Buffer[] } = {}): Buffer {
  const body = Buffer.concat(opts.entries ?? items.map((x) => lpEntry(x)));
  const h = Buffer.alloc(6);
  h.writeUInt32LE(body.length + 7, 0);
  h.writeUInt16LE(opts.count ?? Math.min(items.length, 65535), 4);
  return cat(h, body, [0xff]);
}

// ---- ziplists -------------------------------------------------------------------

function zlEntryBody(x: string | number): Buffer {
  if (typeof x === 'string') {
    const s = Buffer.from(x, 'latin1');
    const n = s.length;
    if (n < 64) return cat([n], s);
    if (n < 16384) return cat([0x40 | (n >> 8), n & 255], s);
    const h = Buffer.alloc(5);
    h[0] = 0x80;
    h.writeUInt32BE(n, 1);
    return cat(h, s);
  }
  if (x >= 0 && x <= 12) return Buffer.from([0xf1 + x]);
  if (x >= -128 && x <= 127) return Buffer.from([0xfe, x & 255]);
  if (x >= -32768 && x <= 32767) {
    const b = Buffer.alloc(3);
    b[0] = 0xc0;
    b.writeInt16LE(x, 1);
    return b;
  }
  if (x >= -8388608 && x <= 8388607) {
    const b = Buffer.alloc(4);
    b[0] = 0xf0;
    b.writeIntLE(x, 1, 3);
    return b;
  }
  if (x >= -2147483648 && x <= 2147483647) {
    const b = Buffer.alloc(5);
    b[0] = 0xd0;
    b.writeInt32LE(x, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = 0xe0;
  b.writeBigInt64LE(BigInt(x), 1);
  return b;
}

/** A ziplist; `badPrevlen` corrupts the second entry's prevlen, `count` overrides zllen. */
export function ziplist(items: (string | number)[], opts: { badPrevlen?: boolean; count?: number } = {}): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  let tail = 10;
  let off = 10;
  items.forEach((x, i) => {
    const body = zlEntryBody(x);
    const pl = opts.badPrevlen && i === 1 ? prev + 1 : prev;
    const prevBytes = pl < 254 ? Buffer.from([pl]) : cat([254], (() => { const b = Buffer.alloc(4); b.writeUInt32LE(pl); return b; })());
    const e = cat(prevBytes, body);
    entries.push(e);
    tail = off;
    off += e.length;
    prev = e.length;
  });
  const body = Buffer.concat(entries);
  const h = Buffer.alloc(10);
  h.writeUInt32LE(body.length + 11, 0);
  h.writeUInt32LE(items.length === 0 ? 10 : tail, 4);
  h.writeUInt16LE(opts.count ?? items.length, 8);
  return cat(h, body, [0xff]);
}

// ---- intsets and zipmaps -----------------------------------------------------------

export function intset(width: 2 | 4 | 8, values: (number | bigint)[]): Buffer {
  const b = Buffer.alloc(8 + width * values.length);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(values.length, 4);
  values.forEach((v, i) => {
    if (width === 2) b.writeInt16LE(Number(v), 8 + 2 * i);
    else if (width === 4) b.writeInt32LE(Number(v), 8 + 4 * i);
    else b.writeBigInt64LE(BigInt(v), 8 + 8 * i);
  });
  return b;
}

/** A zipmap of [f, v, f, v...], each value with `free` spare bytes. */
export function zipmap(fv: string[], opts: { count?: number; free?: number } = {}): Buffer {
  const len = (n: number): Buffer => (n < 254 ? Buffer.from([n]) : cat([254], (() => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; })()));
  const parts: Buffer[] = [Buffer.from([opts.count ?? Math.min(fv.length / 2, 254)])];
  const free = opts.free ?? 0;
  for (let i = 0; i < fv.length; i += 2) {
    parts.push(len(fv[i].length), Buffer.from(fv[i], 'latin1'), len(fv[i + 1].length), Buffer.from([free]), Buffer.from(fv[i + 1], 'latin1'), Buffer.alloc(free, 0x2a));
  }
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

// ---- stream nodes ---------------------------------------------------------------

export interface CraftEntry {
  ms: number;
  seq: number;
  fields: string[];
  values: string[];
  deleted?: boolean;
}

/** A stream node listpack for entries (the first one's fields become the master fields). */
export function streamNode(entries: CraftEntry[], opts: { badLpCount?: boolean } = {}): { key: Buffer; lp: Buffer } {
  const m = entries[0];
  const master = m.fields;
  const items: Item[] = [entries.filter((e) => !e.deleted).length, entries.filter((e) => e.deleted).length, master.length, ...master, 0];
  for (const e of entries) {
    const same = e.fields.length === master.length && e.fields.every((f, i) => f === master[i]);
    items.push((e.deleted ? 1 : 0) | (same ? 2 : 0), e.ms - m.ms, e.seq - m.seq);
    if (same) items.push(...e.values);
    else {
      items.push(e.fields.length);
      e.fields.forEach((f, i) => items.push(f, e.values[i]));
    }
    items.push((same ? e.fields.length + 3 : e.fields.length * 2 + 4) + (opts.badLpCount ? 1 : 0));
  }
  const key = Buffer.alloc(16);
  key.writeBigUInt64BE(BigInt(m.ms), 0);
  key.writeBigUInt64BE(BigInt(m.seq), 8);
  return { key, lp: listpack(items) };
}

/** 16 raw bytes of an ID (PEL entries). */
export function rawId(ms: number, seq: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(BigInt(ms), 0);
  b.writeBigUInt64BE(BigInt(seq), 8);
  return b;
}

export function i64le(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
}
