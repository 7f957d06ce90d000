/**
 * Shared by the functions suites (functions.test.ts, function-payloads.test.ts):
 * command builders and the comparison of FUNCTION LIST / INFO.
 */
import type { Compare, Node } from './harness';
import { parseReply, serialize } from './harness';

export const L = (code: string): string[] => ['FUNCTION', 'LOAD', code];
export const LR = (code: string): string[] => ['FUNCTION', 'LOAD', 'REPLACE', code];
export const lib = (name: string, body: string): string => `#!lua name=${name}\n${body}`;
/** A library registering one function returning `ret` (Lua expression). */
export const one = (name: string, fn: string, ret = "'ok'"): string => lib(name, `redis.register_function('${fn}', function(keys, args) return ${ret} end)`);

// NORMALISATION 18: FUNCTION LIST with its libraries, and their functions,
// sorted by name; INFO on the functions' and scripts' counts.

/** FUNCTION LIST with its libraries, and their functions, sorted by name. */
function sortList(n: Node): Node {
  if (!n.items) return n;
  const field = (m: Node, name: string) => {
    const i = m.items!.findIndex((x, k) => k % 2 === 0 && x.body === name);
    return i < 0 ? undefined : m.items![i + 1];
  };
  const libs = n.items.map((l) => {
    if (!l.items) return l;
    const fns = field(l, 'functions');
    if (fns?.items) fns.items.sort((a, b) => cmp(field(a, 'name')?.body ?? '', field(b, 'name')?.body ?? ''));
    return l;
  });
  libs.sort((a, b) => cmp(field(a, 'library_name')?.body ?? '', field(b, 'library_name')?.body ?? ''));
  return { ...n, items: libs };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The INFO fields functions and scripts report (INFO memory's other values are the allocator's). */
function infoCounts(reply: string): string {
  return reply
    .split('\r\n')
    .filter((l) => /^number_of_(functions|libraries|cached_scripts):/.test(l))
    .join(',');
}

export const compareFunctions: Compare = async (pair, args, index) => {
  const name = args.slice(0, 2).map((a) => a.toString('latin1').toUpperCase()).join(' ');
  if (name === 'FUNCTION LIST' || name.startsWith('INFO')) {
    const [t, r] = await pair.both(args);
    const norm = (s: string) => (name.startsWith('INFO') ? infoCounts(s) : s[0] === '-' ? s : serialize(sortList(parseReply(s)[0])));
    if (norm(t) === norm(r)) return null;
    return { index, cmd: args, tredis: t, redis: r, note: `normalised: tredis ${norm(t)} redis ${norm(r)}` };
  }
  return pair.step(args, index);
};

