/**
 * STAND-IN until the value codec lands (branch rdb-values): strings only.
 */
import type { Value } from '../../store/value';
import { stringOf } from '../../store/value';
import { RdbIn, RdbOut, RdbType } from './encoding';

export interface ValueLoadOptions {
  deepSanitize?: boolean;
}

export function writeValue(out: RdbOut, v: Value): void {
  const s = stringOf(v);
  if (s === null || s === undefined) throw new Error('value codec stand-in: strings only');
  out.byte(RdbType.STRING);
  out.string(s);
}

export function readValue(inp: RdbIn, type: number, _opts: ValueLoadOptions): Value {
  if (type !== RdbType.STRING) inp.fail(`value codec stand-in: type ${type}`);
  return inp.string();
}

export function isValueType(type: number): boolean {
  return type <= 21 && type !== 8;
}
