/**
 * Small C-library look-alikes used by the configuration code, so that
 * parsing and printing behave byte for byte like redis-server.
 *
 * All strings here are binary strings (one char per byte, codes 0..255),
 * the representation used across tredis.
 */

const ULLONG_MAX = 18446744073709551615n;
const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** C isspace() in the C locale. */
export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** sdscatrepr(): a double-quoted, escaped representation. */
export function catRepr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 92:
        out += '\\\\';
        break;
      case 34:
        out += '\\"';
        break;
      case 10:
        out += '\\n';
        break;
      case 13:
        out += '\\r';
        break;
      case 9:
        out += '\\t';
        break;
      case 7:
        out += '\\a';
        break;
      case 8:
        out += '\\b';
        break;
      default:
        if (c >= 32 && c <= 126) out += s[i];
        else out += '\\x' + (c & 0xff).toString(16).padStart(2, '0');
    }
  }
  return out + '"';
}

/**
 * memtoull(): "1gb" -> 1073741824. Digits then an optional unit among
 * b, k, kb, m, mb, g, gb (case-insensitive; k/m/g are powers of 1000).
 * Returns null on error. Like Redis, overflow saturates then wraps (no
 * error), and an empty digit run counts as 0.
 */
export function memtoull(p: string): bigint | null {
  if (p.charCodeAt(0) === 45 /* - */) return null;
  let i = 0;
  while (i < p.length && isDigit(p.charCodeAt(i))) i++;
  const unit = p.slice(i).toLowerCase();
  let mul: bigint;
  switch (unit) {
    case '':
    case 'b':
      mul = 1n;
      break;
    case 'k':
      mul = 1000n;
      break;
    case 'kb':
      mul = 1024n;
      break;
    case 'm':
      mul = 1000000n;
      break;
    case 'mb':
      mul = 1048576n;
      break;
    case 'g':
      mul = 1000000000n;
      break;
    case 'gb':
      mul = 1073741824n;
      break;
    default:
      return null;
  }
  if (i >= 128) return null;
  let val = i === 0 ? 0n : BigInt(p.slice(0, i));
  if (val > ULLONG_MAX) val = ULLONG_MAX;
  return BigInt.asUintN(64, val * mul);
}

/** string2ll(): strict integer parse (no spaces, no '+', no leading zeros). */
export function string2ll(s: string): bigint | null {
  const n = s.length;
  if (n === 0 || n >= 21) return null;
  if (n === 1 && s.charCodeAt(0) === 48) return 0n;
  let i = 0;
  let neg = false;
  if (s.charCodeAt(0) === 45) {
    neg = true;
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return null;
  for (let j = i + 1; j < n; j++) if (!isDigit(s.charCodeAt(j))) return null;
  let v = BigInt(s.slice(i));
  if (neg) v = -v;
  if (v > LLONG_MAX || v < LLONG_MIN) return null;
  return v;
}

/**
 * strtoll(s, &end, base): leading blanks, optional sign, digits (base 10
 * or 8, base 8 also accepting a leading 0). Saturates on overflow.
 * Returns the value, the index where parsing stopped and whether it
 * overflowed (errno == ERANGE). When no digits are found, end is 0.
 */
export function strtoll(s: string, base: 10 | 8 = 10): { value: bigint; end: number; overflow: boolean } {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const sc = s.charCodeAt(i);
  if (sc === 43 || sc === 45) {
    neg = sc === 45;
    i++;
  }
  const start = i;
  const maxDigit = base === 10 ? 57 : 55;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > maxDigit) break;
    i++;
  }
  if (i === start) return { value: 0n, end: 0, overflow: false };
  const digits = s.slice(start, i);
  let v = base === 10 ? BigInt(digits) : BigInt('0o' + digits);
  if (neg) v = -v;
  let overflow = false;
  if (v > LLONG_MAX) {
    v = LLONG_MAX;
    overflow = true;
  } else if (v < LLONG_MIN) {
    v = LLONG_MIN;
    overflow = true;
  }
  return { value: v, end: i, overflow };
}

/** Whole-string strtoll() check: returns null if trailing garbage. */
export function strtollFull(s: string, base: 10 | 8 = 10): bigint | null {
  const r = strtoll(s, base);
  return r.end === s.length ? r.value : null;
}

/** (int) cast of a C long long. */
export function toCInt(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

const DEC_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?$/;
const INF_NAN = /^[+-]?(?:inf|infinity|nan(?:\([0-9A-Za-z_]*\))?)$/i;

/** string2d(): strict double parse as in Redis (strtod over the whole string). */
export function string2d(s: string): number | null {
  if (s.length === 0 || isSpace(s.charCodeAt(0))) return null;
  let d: number;
  if (DEC_FLOAT.test(s)) {
    d = Number(s);
  } else if (HEX_FLOAT.test(s)) {
    d = parseHexFloat(s);
  } else if (INF_NAN.test(s)) {
    if (/nan/i.test(s)) return null;
    d = s.charCodeAt(0) === 45 ? -Infinity : Infinity;
    return d;
  } else {
    return null;
  }
  if (Number.isNaN(d)) return null;
  if (!Number.isFinite(d)) return null; // ERANGE to +-HUGE_VAL
  if (d === 0 && /[1-9]/.test(s.replace(/[eEpP][+-]?\d+$/, ''))) return null; // underflow
  return d;
}

function parseHexFloat(s: string): number {
  let i = 0;
  let sign = 1;
  if (s[0] === '+' || s[0] === '-') {
    if (s[0] === '-') sign = -1;
    i++;
  }
  i += 2;
  let mant = 0;
  let exp = 0;
  let seenDot = false;
  for (; i < s.length; i++) {
    const ch = s[i];
    if (ch === '.') {
      seenDot = true;
      continue;
    }
    if (ch === 'p' || ch === 'P') {
      exp += parseInt(s.slice(i + 1), 10);
      break;
    }
    mant = mant * 16 + parseInt(ch, 16);
    if (seenDot) exp -= 4;
  }
  return sign * mant * Math.pow(2, exp);
}

/** printf("%f") followed by Redis's trimDoubleString(). */
export function formatPercentile(d: number): string {
  let s = d.toFixed(6);
  if (s.includes('.')) {
    s = s.replace(/0+$/, '');
    if (s.endsWith('.')) s = s.slice(0, -1);
  }
  return s;
}

/** rewriteConfigFormatMemory(): 1073741824 -> "1gb". */
export function formatMemory(bytes: bigint): string {
  // Redis does this arithmetic on a signed long long.
  const v = BigInt.asIntN(64, bytes);
  const gb = 1073741824n;
  const mb = 1048576n;
  const kb = 1024n;
  if (v !== 0n && v % gb === 0n) return `${v / gb}gb`;
  if (v !== 0n && v % mb === 0n) return `${v / mb}mb`;
  if (v !== 0n && v % kb === 0n) return `${v / kb}kb`;
  return v.toString();
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EMFILE: 'Too many open files',
  ENFILE: 'Too many open files in system',
  EEXIST: 'File exists',
  EBUSY: 'Device or resource busy',
  EINVAL: 'Invalid argument',
  EIO: 'Input/output error',
  EDQUOT: 'Disk quota exceeded',
  EXDEV: 'Invalid cross-device link',
};

/** strerror() text for a Node.js system error. */
export function strerror(err: unknown): string {
  const code = (err as { code?: string } | null)?.code;
  if (code && ERRNO_TEXT[code]) return ERRNO_TEXT[code];
  if (code) return code;
  return err instanceof Error ? err.message : String(err);
}

/** JS (UTF-16) string -> binary string of its UTF-8 bytes. */
export function toBinary(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'utf8').toString('latin1');
  }
  return s;
}

/** Binary string -> something usable as a file-system path. */
export function fsPath(s: string): string | Buffer {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'latin1');
  }
  return s;
}

/** Binary string -> JS string (UTF-8 decoded), for display / logging. */
export function fromBinary(s: string): string {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.from(s, 'latin1').toString('utf8');
  }
  return s;
}
