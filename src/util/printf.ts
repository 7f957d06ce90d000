/**
 * C printf-style formatting of doubles where Redis prints with "%.<d>f"
 * (GEODIST's 4 decimals, error texts) or "%.17Lf" trimmed (GEOPOS): exact
 * decimal expansions, not JS's shortest round-trip text.
 */

const POW2 = Array.from({ length: 24 }, (_, i) => 2 ** i);

/**
 * Formatting of C's printf("%.<d>f") on a double: exact decimal expansion,
 * round half to even on exact ties, "inf"/"-inf", "-" kept on negative zero.
 */
export function formatFixed(x: number, d: number): string {
  if (x !== x) return x < 0 ? '-nan' : 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const neg = x < 0 || (x === 0 && 1 / x < 0);
  const a = neg ? -x : x;
  let s: string;
  if (a >= 1e21) {
    s = BigInt(a).toString();
    if (d > 0) s += '.' + '0'.repeat(d);
  } else {
    s = a.toFixed(d);
    // an exact tie has exactly d+1 fractional bits; toFixed rounds it up, C to even
    const p = d < POW2.length ? POW2[d] : 2 ** d;
    if (Number.isInteger(a * p * 2) && !Number.isInteger(a * p)) {
      const longer = a.toFixed(d + 1); // exact, ends in 5
      let down = longer.slice(0, -1);
      if (down.endsWith('.')) down = down.slice(0, -1);
      const last = down.charCodeAt(down.length - 1) - 48;
      if (last % 2 === 0) s = down;
    }
  }
  return neg ? '-' + s : s;
}

/**
 * Redis's "human" long double text of a double (GEOPOS, WITHCOORD):
 * %.17Lf with the trailing zeros and a trailing dot removed, "-0" as "0".
 */
export function formatHuman(x: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  let s = formatFixed(x, 17);
  if (s.indexOf('.') >= 0) {
    let l = s.length;
    while (s.charCodeAt(l - 1) === 48) l--;
    if (s.charCodeAt(l - 1) === 46) l--;
    s = s.slice(0, l);
  }
  return s === '-0' ? '0' : s;
}
