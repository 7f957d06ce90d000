/**
 * NORMALISATION 15 (NORMALISATIONS.md): the time fields of consumer-group
 * replies, read from each server's clock when the command runs there. Only
 * these fields, located by their place in the reply:
 *
 * - XPENDING key group [IDLE ms] start end count [consumer]: the idle time,
 *   third element of each [id, consumer, idle, deliveries] entry;
 * - XINFO CONSUMERS: the value of "idle";
 * - XINFO STREAM key FULL: in each group's "pending" the delivery time (third
 *   element of [id, consumer, delivery-time, deliveries]); in each
 *   consumer, the value of "seen-time" and the delivery time of its "pending"
 *   entries (second element of [id, delivery-time, deliveries]).
 *
 * Each such integer may differ by at most skewBoundMs() between the servers;
 * everything else, the RESP type of those fields included, is compared byte
 * for byte. Nothing else is ever tolerated, in any command.
 */
import fs from 'node:fs';
import { Args, Mismatch, Pair } from './harness';
import { Node, isInt, parseReply, serialize, textOf, wellFormed } from './reply-tree';

/**
 * The tolerance, in ms, measured for each pair of connections: twice the
 * longest round trip of any command sent on it so far, plus 2 ms of clock
 * rounding (Pair.maxRoundTripMs). Each server reads its clock for a command
 * while that command's round trip is under way, so a delivery or seen time
 * differs between the servers by at most one round trip, and an idle time
 * (now minus a delivery time) by at most two. On this machine round trips
 * are 1-5 ms, so the tolerance is a few ms: a delivery time that XCLAIM or
 * a history read failed to reset (hundreds of ms apart in the scripts)
 * does not pass. When the machine stalls, the round trip of that command
 * shows it, and the bound widens with it instead of failing at random.
 */
export function skewBoundMs(pair: Pair): number {
  return 2 * pair.maxRoundTripMs + 2;
}

/** Where to append every time-field difference seen and its bound (STREAM_SKEW_REPORT=file), to study the skew. */
const SKEW_REPORT = process.env.STREAM_SKEW_REPORT;

/** The value after `key` in a RESP2 flat array or RESP3 map. */
function field(n: Node, key: string): Node | undefined {
  if (!n.items) return undefined;
  for (let i = 0; i + 1 < n.items.length; i += 2) if (textOf(n.items[i]) === key) return n.items[i + 1];
  return undefined;
}

/** The time fields of a reply (see the header), in reply order. */
function timeFields(args: Args, reply: Node): Node[] {
  const name = args[0].toString('latin1').toUpperCase();
  const sub = args.length > 1 ? args[1].toString('latin1').toUpperCase() : '';
  const out: Node[] = [];
  const nth = (entries: Node | undefined, i: number) => {
    for (const e of entries?.items ?? []) if (e.items && e.items.length > i) out.push(e.items[i]);
  };
  if (name === 'XPENDING' && args.length >= 6) nth(reply, 2);
  else if (name === 'XINFO' && sub === 'CONSUMERS') {
    for (const c of reply.items ?? []) {
      const idle = field(c, 'idle');
      if (idle) out.push(idle);
    }
  } else if (name === 'XINFO' && sub === 'STREAM' && args.length > 3 && args[3].toString('latin1').toUpperCase() === 'FULL') {
    const groups = field(reply, 'groups');
    for (const g of groups?.items ?? []) {
      nth(field(g, 'pending'), 2);
      for (const c of field(g, 'consumers')?.items ?? []) {
        const seen = field(c, 'seen-time');
        if (seen) out.push(seen);
        nth(field(c, 'pending'), 1);
      }
    }
  }
  return out.filter(isInt);
}

/**
 * [tredis, redis] with the time fields masked where both are integers at
 * most skewBoundMs(pair) apart; left as they are otherwise (so they show in
 * the diff).
 */
export function normaliseStreamReply(args: Args, t: string, r: string, pair: Pair): [string, string] {
  if (t === r || !wellFormed(t) || !wellFormed(r) || t[0] === '-' || r[0] === '-') return [t, r];
  const nt = parseReply(t)[0];
  const nr = parseReply(r)[0];
  const ft = timeFields(args, nt);
  const fr = timeFields(args, nr);
  if (ft.length !== fr.length) return [t, r];
  for (let i = 0; i < ft.length; i++) {
    const d = Math.abs(Number(ft[i].head) - Number(fr[i].head));
    const bound = skewBoundMs(pair);
    if (SKEW_REPORT) fs.appendFileSync(SKEW_REPORT, `${d} ${bound}\n`);
    if (d <= bound) ft[i].head = fr[i].head = '<time>';
  }
  return [serialize(nt), serialize(nr)];
}

/**
 * Replies compared byte for byte after NORMALISATION 15 only (not Pair.step's
 * normalisations): a runScript()/runSeed() compare function.
 */
export async function compareStream(pair: Pair, args: Args, index: number): Promise<Mismatch | null> {
  const [t, r] = await pair.both(args);
  if (t === r) return null;
  const [nt, nr] = normaliseStreamReply(args, t, r, pair);
  return nt === nr ? null : { index, cmd: args, tredis: t, redis: r };
}
