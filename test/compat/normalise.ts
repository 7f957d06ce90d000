/**
 * The stateless normalisations of nondeterministic replies (each marked
 * `NORMALISATION n`, documented in NORMALISATIONS.md): a table from command
 * name to a function that rewrites both parsed replies.
 */
import { Node, cmpStr, isAgg, isBulk, isInt, maskInt, pairs, parseReply, serialize, sortItems, sortPairs, textOf, wellFormed, withText, MASK } from './reply-tree';
import type { Args } from './harness';

/** Tolerances for time-derived integers (both sides must be >= 0). */
export const TOLERANCE = { seconds: 2, millis: 2000 } as const;

/** Fields of CLIENT LIST / CLIENT INFO lines whose values are masked. */
const CLIENT_MASKED = new Set(['id', 'addr', 'laddr', 'fd', 'age', 'idle', 'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem']);

function maskClientLines(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .map((kv) => {
          const eq = kv.indexOf('=');
          return eq > 0 && CLIENT_MASKED.has(kv.slice(0, eq)) ? `${kv.slice(0, eq)}=${MASK}` : kv;
        })
        .join(' '),
    )
    .join('\n');
}

/** INFO sections listed in command-table (dict) order: their lines are sorted. */
const INFO_UNORDERED = new Set(['# Commandstats', '# Latencystats']);

/**
 * INFO fields whose values are masked, by why they cannot agree; every other
 * value is compared (after CONFIG RESETSTAT, counters are deterministic).
 */
const INFO_MASKED: Record<string, string[]> = {
  'which process, build or port': ['redis_build_id', 'gcc_version', 'process_id', 'run_id', 'tcp_port', 'executable', 'config_file', 'master_replid', 'mem_allocator'],
  'the clock': ['server_time_usec', 'uptime_in_seconds', 'uptime_in_days', 'lru_clock', 'rdb_last_save_time', 'expire_cycle_cpu_milliseconds'],
  'what the active expiry cycle sampled, and when (its time budget)': ['expired_stale_perc', 'expired_time_cap_reached_count'],
  'rates sampled by the cron every 100 ms': ['instantaneous_ops_per_sec', 'instantaneous_input_kbps', 'instantaneous_output_kbps', 'instantaneous_input_repl_kbps', 'instantaneous_output_repl_kbps'],
  'buffer sizes of each implementation': ['client_recent_max_input_buffer', 'client_recent_max_output_buffer'],
  'bytes of earlier replies that hold the fields above (INFO, CLIENT INFO, HELLO)': ['total_net_output_bytes'],
};
const INFO_MASKED_FIELDS = new Set(Object.values(INFO_MASKED).flat());

/**
 * Sections whose values are masked but for the listed fields: memory sizes
 * are the allocator's and the runtime's, CPU times the clock's.
 */
const INFO_MASKED_SECTIONS: Record<string, Set<string>> = {
  '# Memory': new Set(['maxmemory', 'maxmemory_human', 'maxmemory_policy', 'lazyfree_pending_objects', 'lazyfreed_objects']),
  '# CPU': new Set(),
};

/** The masked form of one `field:value` line of `section`. */
function maskInfoLine(section: string, line: string): string {
  const c = line.indexOf(':');
  const name = line.slice(0, c);
  const value = line.slice(c + 1);
  // Keyspace lines (dbN:keys=..,expires=..,avg_ttl=..): the clock decides avg_ttl.
  if (/^db\d+$/.test(name)) return line.replace(/avg_ttl=\d+/, `avg_ttl=${MASK}`);
  // cmdstat_x:calls=..,usec=..,usec_per_call=..,rejected_calls=..,failed_calls=..: times masked.
  if (name.startsWith('cmdstat_')) return `${name}:${value.replace(/\busec=\d+/, `usec=${MASK}`).replace(/\busec_per_call=[\d.]+/, `usec_per_call=${MASK}`)}`;
  // latency_percentiles_usec_x:p50=..,p99=..,p99.9=..: times masked, percentiles named.
  if (name.startsWith('latency_percentiles_usec_')) return `${name}:${value.replace(/=[\d.]+/g, `=${MASK}`)}`;
  const keep = INFO_MASKED_SECTIONS[section];
  if (keep ? !keep.has(name) : INFO_MASKED_FIELDS.has(name)) return `${name}:${MASK}`;
  return line;
}

function maskInfo(text: string): string {
  const out: string[] = [];
  let section = '';
  let pending: string[] = [];
  const flush = () => {
    out.push(...(INFO_UNORDERED.has(section) ? pending.sort(cmpStr) : pending));
    pending = [];
  };
  for (const line of text.split('\r\n')) {
    if (line.startsWith('#')) {
      flush();
      section = line;
      out.push(line);
    } else if (!line.includes(':')) {
      flush();
      out.push(line);
    } else {
      pending.push(maskInfoLine(section, line));
    }
  }
  flush();
  return out.join('\r\n');
}

type NodePair = [Node, Node];
/** A normaliser receives both parsed replies (never error replies) and returns them rewritten. */
type Normaliser = (t: Node, r: Node) => NodePair;

function tolerance(limit: number): Normaliser {
  return (t, r) => {
    if (isInt(t) && isInt(r)) {
      const a = Number(t.head);
      const b = Number(r.head);
      if (a >= 0 && b >= 0 && Math.abs(a - b) <= limit) return [r, r];
    }
    return [t, r];
  };
}

const both = (f: (n: Node) => Node): Normaliser => (t, r) => [f(t), f(r)];

function maskMapValue(key: string): (n: Node) => Node {
  return (n) => {
    if (!isAgg(n)) return n;
    const items = [...n.items!];
    for (let i = 0; i + 1 < items.length; i += 2) if (textOf(items[i]) === key) items[i + 1] = { t: items[i + 1].t === ':' ? ':' : '+', head: MASK };
    return { ...n, items };
  };
}

function maskText(f: (s: string) => string): (n: Node) => Node {
  return (n) => {
    const s = textOf(n);
    return s === undefined ? n : withText(n, f(s));
  };
}

/** SLOWLOG GET entry: [id, timestamp, duration, argv, addr, name]. */
function maskSlowlog(n: Node): Node {
  if (!isAgg(n)) return n;
  return {
    ...n,
    items: n.items!.map((e) => {
      if (!isAgg(e) || e.items!.length < 5) return e;
      const items = [...e.items!];
      for (const i of [0, 1, 2]) items[i] = maskInt(items[i]);
      items[4] = withText(items[4], MASK);
      return { ...e, items };
    }),
  };
}

/** LATENCY LATEST entry: [event, timestamp, latest, max]; LATENCY HISTORY entry: [timestamp, latency]. */
function maskLatency(n: Node): Node {
  if (!isAgg(n)) return n;
  return { ...n, items: n.items!.map((e) => (isAgg(e) ? { ...e, items: e.items!.map(maskInt) } : e)) };
}

/** TIME: [seconds, microseconds] — shape kept, seconds compared within tolerance. */
const timeNorm: Normaliser = (t, r) => {
  const ok = (n: Node) => isAgg(n) && n.items!.length === 2 && n.items!.every((x) => isBulk(x) && /^\d+$/.test(x.body!));
  if (!ok(t) || !ok(r)) return [t, r];
  if (Math.abs(Number(t.items![0].body) - Number(r.items![0].body)) > TOLERANCE.seconds) return [t, r];
  const m: Node = { ...r, items: [withText(r.items![0], MASK), withText(r.items![1], MASK)] };
  return [m, m];
};

/** COMMAND INFO entry: [name, arity, flags, first, last, step, acl, tips, keyspecs, subcommands]. */
function sortInfoEntry(e: Node): Node {
  if (!isAgg(e) || e.items!.length < 10 || !isAgg(e.items![9])) return e;
  const items = [...e.items!];
  items[9] = sortItems({ ...items[9], items: items[9].items!.map(sortInfoEntry) });
  return { ...e, items };
}

const sortInfoSubcommands = (n: Node): Node => (isAgg(n) ? { ...n, items: n.items!.map(sortInfoEntry) } : n);

/** COMMAND DOCS: name → doc map; a doc's "subcommands" value is a name → doc map. */
function sortDocsSubcommands(n: Node): Node {
  if (!isAgg(n)) return n;
  const items = [...n.items!];
  for (let i = 1; i < items.length; i += 2) {
    const doc = items[i];
    if (!isAgg(doc)) continue;
    const d = [...doc.items!];
    for (let j = 0; j + 1 < d.length; j += 2) if (textOf(d[j]) === 'subcommands') d[j + 1] = sortPairs(sortDocsSubcommands(d[j + 1]));
    items[i] = { ...doc, items: d };
  }
  return { ...n, items };
}

/**
 * Keyed by upper-cased command name, or "NAME SUB" for container commands.
 * Every entry is one item of NORMALISATIONS.md.
 */
export const NORMALISERS: Record<string, Normaliser> = {
  // NORMALISATION 3: KEYS and PUBSUB (SHARD)CHANNELS order is hash-table order → sorted.
  KEYS: both(sortItems),
  'PUBSUB CHANNELS': both(sortItems),
  'PUBSUB SHARDCHANNELS': both(sortItems),
  // NORMALISATION 4: CONFIG GET pair order is dict order → sorted by name.
  'CONFIG GET': both(sortPairs),
  // NORMALISATION 5: time-derived integers within a tolerance.
  TTL: tolerance(TOLERANCE.seconds),
  EXPIRETIME: tolerance(TOLERANCE.seconds),
  PTTL: tolerance(TOLERANCE.millis),
  PEXPIRETIME: tolerance(TOLERANCE.millis),
  // NORMALISATION 6: TIME.
  TIME: timeNorm,
  // NORMALISATION 7: INFO values.
  INFO: both(maskText(maskInfo)),
  // NORMALISATION 8: CLIENT LIST / CLIENT INFO per-connection fields; CLIENT ID.
  'CLIENT LIST': both(maskText(maskClientLines)),
  'CLIENT INFO': both(maskText(maskClientLines)),
  'CLIENT ID': both(maskInt),
  // NORMALISATION 9: HELLO's id.
  HELLO: both(maskMapValue('id')),
  // NORMALISATION 10: idle times, save times, addresses.
  'OBJECT IDLETIME': both(maskInt),
  LASTSAVE: both(maskInt),
  'DEBUG OBJECT': both(maskText((s) => s.replace(/\bat:\S+/, `at:${MASK}`).replace(/\blru:\d+/, `lru:${MASK}`).replace(/\blru_seconds_idle:\d+/, `lru_seconds_idle:${MASK}`))),
  // NORMALISATION 11: SLOWLOG / LATENCY timings.
  'SLOWLOG GET': both(maskSlowlog),
  'LATENCY LATEST': both(maskLatency),
  'LATENCY HISTORY': both(maskLatency),
  // NORMALISATION 12: subcommand order of COMMAND INFO / COMMAND DOCS is dict order.
  'COMMAND INFO': both(sortInfoSubcommands),
  'COMMAND DOCS': both(sortDocsSubcommands),
};

const CONTAINERS = new Set(['CONFIG', 'CLIENT', 'OBJECT', 'DEBUG', 'SLOWLOG', 'LATENCY', 'COMMAND', 'MEMORY', 'PUBSUB']);

export function normKey(args: (string | Buffer)[]): string {
  const a0 = args[0].toString('latin1').toUpperCase();
  if (CONTAINERS.has(a0) && args.length > 1) return `${a0} ${args[1].toString('latin1').toUpperCase()}`;
  return a0;
}

/**
 * EXEC's reply: each element compared as the reply of the queued command
 * it answers, with that command's normaliser from the table above (the
 * stateful ones of Pair.step, items 1, 2, 5's exact check and 13, are not
 * applied inside a transaction).
 */
export function normaliseExec(queued: Args[], t: string, r: string): [string, string] {
  if (!wellFormed(t) || !wellFormed(r)) return [t, r];
  const nt = parseReply(t)[0];
  const nr = parseReply(r)[0];
  if (!nt.items || !nr.items || nt.items.length !== queued.length || nr.items.length !== queued.length) return [t, r];
  const it: string[] = [];
  const ir: string[] = [];
  queued.forEach((args, i) => {
    const [a, b] = normalise(args, serialize(nt.items![i]), serialize(nr.items![i]));
    it.push(a);
    ir.push(b);
  });
  return [`${nt.t}${nt.head}\r\n${it.join('')}`, `${nr.t}${nr.head}\r\n${ir.join('')}`];
}

/** Apply the normaliser for `args` (if any, and neither reply is an error/pseudo reply). */
export function normalise(args: (string | Buffer)[], t: string, r: string): [string, string] {
  const f = NORMALISERS[normKey(args)];
  if (!f || t === r || !wellFormed(t) || !wellFormed(r) || t[0] === '-' || r[0] === '-') return [t, r];
  const [nt, nr] = f(parseReply(t)[0], parseReply(r)[0]);
  return [serialize(nt), serialize(nr)];
}
