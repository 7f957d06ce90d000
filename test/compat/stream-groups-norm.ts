/**
 * Normalisation of the time-derived integers in consumer-group replies
 * (NORMALISATIONS.md, item 15), and a script runner
 * that applies it on top of the harness's own comparison.
 *
 * - Unix-ms timestamps (XINFO STREAM FULL's delivery times and seen-time):
 *   any two integers both above 10^12 that differ by at most 2000 ms.
 * - Idle times: XPENDING's third element of each [id, consumer, idle,
 *   count] entry and the value after "idle" in XINFO CONSUMERS, when both
 *   are >= 0 and differ by at most 2000 ms.
 * Everything else, including delivery counts and error replies, is
 * compared byte for byte.
 */
import { Args, Mismatch, Node, Pair, Proto, Servers, Step, TIMEOUT, CLOSED, parseReply, serialize } from './harness';
import { replyLength } from '../helpers';

const MASK = '<masked>';
const TOL = 2000;
const isInt = (n: Node) => n.t === ':';
const val = (n: Node) => Number(n.head);

function close(a: Node, b: Node, min: number): boolean {
  if (!isInt(a) || !isInt(b)) return false;
  const x = val(a);
  const y = val(b);
  return x >= min && y >= min && Math.abs(x - y) <= TOL;
}

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

const wellFormed = (s: string) => s.length > 0 && replyLength(s) === s.length;

/** [tredis, redis] replies with the stream time fields masked where they agree within the tolerance. */
export function normaliseStreamReply(args: Args, t: string, r: string): [string, string] {
  if (t === r || !wellFormed(t) || !wellFormed(r) || t[0] === '-' || r[0] === '-') return [t, r];
  const name = args[0].toString('latin1').toUpperCase();
  const [nt, nr] = walk(parseReply(t)[0], parseReply(r)[0], name === 'XPENDING');
  return [serialize(nt), serialize(nr)];
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

/** runScript() with the stream normalisation: FLUSHALL (and HELLO 3) first, every reply compared. */
export async function runStreamScript(s: Servers, steps: Step[], proto: Proto): Promise<Mismatch[]> {
  const pair = await Pair.open(s);
  const out: Mismatch[] = [];
  try {
    const setup: Step[] = [...(proto === 3 ? [['HELLO', '3']] : []), ['FLUSHALL']];
    for (let i = 0; i < setup.length; i++) {
      // the harness's own normalisation (HELLO's client id)
      const m = await pair.step(setup[i] as Args, i);
      if (m) out.push(m);
    }
    const all = [...setup, ...steps];
    for (let i = setup.length; i < all.length; i++) {
      const st = all[i];
      if (!Array.isArray(st)) {
        await sleep(st.sleep);
        continue;
      }
      const [t, r] = await pair.both(st);
      if (t === r) continue;
      const [nt, nr] = normaliseStreamReply(st, t, r);
      if (nt === nr) continue;
      out.push({ index: i, cmd: st, tredis: t, redis: r });
      if ([t, r].some((x) => x === TIMEOUT || x === CLOSED)) break;
    }
  } finally {
    pair.close();
  }
  return out;
}
