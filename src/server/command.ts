/**
 * Command specs and the registry. Each family file exports a list of specs;
 * the registry feeds dispatch, COMMAND, COMMAND INFO/DOCS, ACL categories and
 * key extraction from that one table.
 */
import type { Client } from './client';
import { commandMeta, CommandMeta } from '../commands/meta';
import { LatencyHistogram } from './histogram';

export type Handler = (c: Client, argv: string[]) => void;

/**
 * A command as a family file declares it. Arity, flags, key positions and
 * ACL categories default to Redis 7.0's own metadata for the same name
 * (src/commands/meta), so they only need spelling out for commands Redis
 * does not have.
 */
export interface CommandSpec {
  /** Lowercase name ("get"), or the subcommand name ("get" under "config"). */
  name: string;
  /** Redis arity: positive = exact argc, negative = at least -arity. */
  arity?: number;
  /** Redis command flags as COMMAND INFO prints them ("write", "readonly"...). */
  flags?: string[];
  /** Legacy key positions; 0,0,0 when the command takes no keys. */
  keys?: { first: number; last: number; step: number };
  /** ACL categories without the "@" ("string", "keyspace"...). */
  categories?: string[];
  handler?: Handler;
  subcommands?: CommandSpec[];
  /** Custom key extraction for commands whose keys aren't positional (e.g. numkeys). */
  getKeys?: (argv: string[]) => number[];
  /**
   * A protected command (DEBUG, MODULE LOAD...): the dispatcher refuses it,
   * before auth, with the error this returns (null: allowed), as Redis does
   * for CMD_PROTECTED commands.
   */
  guard?: (c: Client) => string | null;
  /**
   * Whether a call may write, for commands whose flags depend on their
   * arguments (EVAL and FCALL: the script's shebang flags, as Redis's
   * getCommandFlags); consulted by CLIENT PAUSE WRITE.
   */
  mayWrite?: (c: Client, argv: string[]) => boolean;
  /** Whether a call is deny-oom, for the same commands (a script without allow-oom or no-writes). */
  denyOom?: (c: Client, argv: string[]) => boolean;
}

// Flag bits checked by the dispatcher on every call.
export const F = {
  write: 1 << 0,
  readonly: 1 << 1,
  denyoom: 1 << 2,
  admin: 1 << 3,
  pubsub: 1 << 4,
  noscript: 1 << 5,
  blocking: 1 << 6,
  loading: 1 << 7,
  stale: 1 << 8,
  skipMonitor: 1 << 9,
  skipSlowlog: 1 << 10,
  fast: 1 << 11,
  noAuth: 1 << 12,
  mayReplicate: 1 << 13,
  noMulti: 1 << 14,
  allowBusy: 1 << 15,
  sentinel: 1 << 16,
  onlySentinel: 1 << 17,
} as const;

const FLAG_BITS: Record<string, number> = {
  write: F.write,
  readonly: F.readonly,
  denyoom: F.denyoom,
  admin: F.admin,
  pubsub: F.pubsub,
  noscript: F.noscript,
  blocking: F.blocking,
  loading: F.loading,
  stale: F.stale,
  skip_monitor: F.skipMonitor,
  skip_slowlog: F.skipSlowlog,
  fast: F.fast,
  no_auth: F.noAuth,
  may_replicate: F.mayReplicate,
  no_multi: F.noMulti,
  allow_busy: F.allowBusy,
  sentinel: F.sentinel,
  only_sentinel: F.onlySentinel,
};

/** A command as the dispatcher sees it: spec plus flag bits and live stats. */
export class Command {
  readonly name: string;
  readonly fullname: string;
  readonly arity: number;
  readonly flagBits: number;
  readonly handler?: Handler;
  readonly guard: ((c: Client) => string | null) | null;
  readonly subcommands: Map<string, Command> | null = null;
  readonly meta: CommandMeta | undefined;
  readonly flags: string[];
  readonly categories: string[];
  readonly keySpec: { first: number; last: number; step: number };
  // stats for INFO commandstats
  calls = 0;
  usec = 0;
  rejectedCalls = 0;
  failedCalls = 0;
  /** latency-tracking: this command's latency histogram, from its first sample. */
  latency: LatencyHistogram | null = null;

  constructor(
    readonly spec: CommandSpec,
    readonly parent: Command | null,
  ) {
    this.name = spec.name;
    this.fullname = parent ? `${parent.name}|${spec.name}` : spec.name;
    const meta = (this.meta = commandMeta(this.fullname));
    if (!meta && (spec.arity === undefined || !spec.flags)) {
      throw new Error(`command ${this.fullname}: no Redis metadata, spell out arity and flags`);
    }
    this.arity = spec.arity ?? meta!.arity;
    this.flags = spec.flags ?? meta!.flags;
    this.categories = spec.categories ?? meta?.categories ?? [];
    this.keySpec = spec.keys ?? (meta ? { first: meta.first, last: meta.last, step: meta.step } : { first: 0, last: 0, step: 0 });
    let bits = 0;
    for (const f of this.flags) bits |= FLAG_BITS[f] ?? 0;
    this.flagBits = bits;
    this.handler = spec.handler;
    this.guard = spec.guard ?? null;
    if (spec.subcommands) {
      this.subcommands = new Map();
      for (const s of spec.subcommands) this.subcommands.set(s.name, new Command(s, this));
    }
  }

  has(flag: number): boolean {
    return (this.flagBits & flag) !== 0;
  }

  /** Record one call's duration (nanoseconds) in the latency histogram. */
  recordLatency(ns: number): void {
    (this.latency ??= new LatencyHistogram()).record(ns);
  }

  resetStats(): void {
    this.calls = this.usec = this.rejectedCalls = this.failedCalls = 0;
    this.latency = null;
    if (this.subcommands) for (const s of this.subcommands.values()) s.resetStats();
  }

  /** Positions of key arguments in argv. */
  keyPositions(argv: string[]): number[] {
    if (this.spec.getKeys) return this.spec.getKeys(argv);
    const k = this.keySpec;
    if (k.first === 0) return [];
    const last = k.last < 0 ? argv.length + k.last : k.last;
    const out: number[] = [];
    for (let i = k.first; i <= last && i < argv.length; i += k.step) out.push(i);
    return out;
  }
}

export class Registry {
  private byName = new Map<string, Command>();

  add(specs: CommandSpec[]): void {
    for (const s of specs) this.byName.set(s.name, new Command(s, null));
  }

  /**
   * Find by name as sent by the client. The exact spelling is tried first
   * and cached on success, so "GET" and "get" both cost one Map lookup.
   */
  lookup(name: string): Command | undefined {
    let c = this.byName.get(name);
    if (c === undefined && name.length < 64) {
      c = this.byName.get(name.toLowerCase());
      if (c !== undefined && this.aliases.size < 4096) this.aliases.set(name, c);
    }
    return c;
  }
  private aliases = this.byName; // spellings share the one map

  all(): Command[] {
    const seen = new Set<Command>();
    for (const c of this.byName.values()) seen.add(c);
    return [...seen];
  }

  get count(): number {
    return this.all().length;
  }
}
