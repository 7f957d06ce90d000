/**
 * glibc's answers where JavaScript's Math differs: pow() (1^y and (-1)^inf
 * are 1, a negative base with a fractional exponent is -nan) and the sign of
 * the NaNs libm returns (Redis prints "-nan" or "nan" from it). x86 makes
 * the default NaN of an invalid operation negative; a NaN argument comes
 * back as it came.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
u32[1] = 0xfff80000;
u32[0] = 0;
/** The x86 default NaN (sign bit set): C prints it "-nan". */
export const NEG_NAN = f64[0]!;
u32[1] = 0x7ff80000;
/** A NaN without the sign bit: "nan". */
export const POS_NAN = f64[0]!;

function isOddInteger(y: number): boolean {
  return Number.isInteger(y) && Math.abs(y % 2) === 1;
}

/** C pow(x, y) as glibc computes it (values from Math.pow). */
export function cPow(x: number, y: number): number {
  if (y === 0 || x === 1) return 1;
  if (x !== x) return isOddInteger(y) ? POS_NAN : x;
  if (y !== y) return y;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  if (x < 0 && x > -Infinity && y > -Infinity && y < Infinity && !Number.isInteger(y)) return NEG_NAN;
  return Math.pow(x, y);
}

/**
 * A libm function of one argument: NaN arguments propagate unchanged, and
 * an invalid argument gives the NaN glibc gives (`invalid`, x86's -nan
 * unless stated).
 */
export function libm1(f: (x: number) => number, invalid = NEG_NAN): (x: number) => number {
  return (x: number): number => {
    if (x !== x) return x;
    const r = f(x);
    return r !== r ? invalid : r;
  };
}
