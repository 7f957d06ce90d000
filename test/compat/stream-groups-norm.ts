/**
 * Normalisation of the time-derived integers in consumer-group replies
 * (NORMALISATIONS.md, item 15), and the comparison (compareStream) that
 * applies it, for runScript() and runSeed().
 *
 * - Unix-ms timestamps (XINFO STREAM FULL's delivery times and seen-time):
 *   any two integers both above 10^12 that differ by at most 2000 ms.
 * - Idle times: XPENDING's third element of each [id, consumer, idle,
 *   count] entry and the value after "idle" in XINFO CONSUMERS, when both
 *   are >= 0 and differ by at most 2000 ms.
 * Everything else, including delivery counts and error replies, is
 * compared byte for byte.
 */
import { Args, MASK, Mismatch, Node, Pair, isInt, parseReply, serialize, wellFormed } from './harness';

const TOL = 2000;
const val = (n: Node) => Number(n.head);

function close(a: Node, b: Node, min: number): boolean {
  if (!isInt(a) || !isInt(b)) return false;
  const x = val(a);
  const y = val(b);
  return x >= min && y >= min && Math.abs(x - y) <= TOL;
}

/** Text of a bulk or simple string (narrower than the harness's textOf: verbatim strings are not keys here). */
function textOf(n: Node): string | undefined {
  return n.t === '$' ? n.body : n.t === '+' ? n.head : undefined;
}

/** Walk both trees together; returns rewritten copies (shapes that differ are left alone). */
function walk(a: Node, b: Node, xpending: boolean): [Node, Node] {
  if (a.items === undefined || b.items === undefined || a.items.length !== b.items.length || a.t !== b.t) {
    if (close(a, b, 1e12)) return [{ t: ':', head: MASK }, { t: ':', head: MASK }];
    return [a, b];
  }
  const ia = [...a.items];
  const ib = [...b.items];
  const pendingEntry = xpending && ia.length === 4 && ia[0].t === '$' && ia[1].t === '$' && isInt(ia[2]) && isInt(ia[3]);
  for (let i = 0; i < ia.length; i++) {
    const idle = (pendingEntry && i === 2) || (i > 0 && textOf(ia[i - 1]) === 'idle' && textOf(ib[i - 1]) === 'idle');
    if (idle && close(ia[i], ib[i], 0)) {
      ia[i] = ib[i] = { t: ':', head: MASK };
      continue;
    }
    [ia[i], ib[i]] = walk(ia[i], ib[i], xpending);
  }
  return [
    { ...a, items: ia },
    { ...b, items: ib },
  ];
}

/** [tredis, redis] replies with the stream time fields masked where they agree within the tolerance. */
export function normaliseStreamReply(args: Args, t: string, r: string): [string, string] {
  if (t === r || !wellFormed(t) || !wellFormed(r) || t[0] === '-' || r[0] === '-') return [t, r];
  const name = args[0].toString('latin1').toUpperCase();
  const [nt, nr] = walk(parseReply(t)[0], parseReply(r)[0], name === 'XPENDING');
  return [serialize(nt), serialize(nr)];
}

/**
 * Replies compared byte for byte after NORMALISATION 15 only (not Pair.step's
 * normalisations): a runScript()/runSeed() compare function.
 */
export async function compareStream(pair: Pair, args: Args, index: number): Promise<Mismatch | null> {
  const [t, r] = await pair.both(args);
  if (t === r) return null;
  const [nt, nr] = normaliseStreamReply(args, t, r);
  return nt === nr ? null : { index, cmd: args, tredis: t, redis: r };
}
