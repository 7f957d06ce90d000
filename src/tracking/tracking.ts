/**
 * Client-side caching (CLIENT TRACKING), as Redis 7.0's tracking.c:
 *
 * - Default mode: the keys a tracking client reads are remembered in one
 *   table shared by every db (key -> client ids). The first change to such a
 *   key sends one invalidation to each of those clients and forgets the key.
 * - BCAST mode: clients register prefixes; every change to a key under a
 *   prefix is collected and sent once per event loop turn, the keys sorted.
 * - Invalidations go as a RESP3 push, or to the REDIRECT client: a push
 *   there too, or a `__redis__:invalidate` message when it is a RESP2
 *   client in Pub/Sub mode.
 * - An invalidation meant for the client whose command caused it is held
 *   until the command has replied (and, for EXEC, the whole transaction).
 * - FLUSHDB/FLUSHALL send a null invalidation to every tracking client.
 */
import type { Client } from '../server/client';
import type { Server } from '../server/server';
import type { Command } from '../server/command';
import { F } from '../server/command';
import { commandKeys } from '../commands/introspection';
import { outputAdded } from '../server/obuf';

/** A tracking client's mode (null on the client while tracking is off). */
export interface TrackingState {
  /** Client id invalidations go to; 0 for the client itself. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES/NO given for the next command (or transaction). */
  caching: boolean;
  /** The redirect client went away (flag R, "broken_redirect"). */
  brokenRedirect: boolean;
  /** BCAST prefixes, kept even across a re-enable (Redis adds to them). */
  prefixes: Set<string>;
}

export interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: string[];
}

/** A BCAST prefix: its clients, and the keys changed under it since the last broadcast (with who changed them). */
interface PrefixState {
  clients: Set<Client>;
  keys: Map<string, Client | null>;
}

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const READONLY_SCRIPTS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);
const INVALIDATE_PUSH = `>2\r\n${bulk('invalidate')}`;
const INVALIDATE_MESSAGE = `*3\r\n${bulk('message')}${bulk('__redis__:invalidate')}`;
/** An invalidation payload: a one-key array. */
const oneKey = (key: string) => `*1\r\n${bulk(key)}`;

export class Tracking {
  /** Clients with tracking on (INFO tracking_clients). */
  clients = 0;
  /** Set once any client enabled tracking: writes then consult the tables (Redis's TrackingTable != NULL). */
  inUse = false;
  /** Tracked key -> ids of the clients that read it. */
  private readonly table = new Map<string, Set<number>>();
  /** Sum of the id sets' sizes (INFO tracking_total_items). */
  private items = 0;
  private readonly prefixTable = new Map<string, PrefixState>();
  /** BCAST keys were collected: broadcast() at the end of the event. */
  bcastPending = false;
  /** Invalidations for the executing client, sent after its reply: keys, null for a flush. */
  private pending: (string | null)[] = [];
  /** tracking-table-max-keys rounds that ended still over the limit. */
  private overLimitRounds = 0;

  constructor(private readonly srv: Server) {}

  get totalKeys(): number {
    return this.table.size;
  }

  /** Up to n tracked keys (lazy freeing sizes a small table's rax from them). */
  someKeys(n: number): string[] {
    const out: string[] = [];
    for (const k of this.table.keys()) {
      if (out.length >= n) break;
      out.push(k);
    }
    return out;
  }

  get totalItems(): number {
    return this.items;
  }

  get totalPrefixes(): number {
    return this.prefixTable.size;
  }

  // ---- enabling ----

  /** CLIENT TRACKING ON with options already validated (enableTracking). */
  enable(c: Client, o: TrackingOptions): void {
    if (c.tracking === null) {
      this.clients++;
      c.tracking = {
        redirect: 0,
        bcast: false,
        optin: false,
        optout: false,
        noloop: false,
        caching: false,
        brokenRedirect: false,
        prefixes: new Set(),
      };
    }
    this.inUse = true;
    const t = c.tracking;
    t.redirect = o.redirect;
    t.brokenRedirect = false;
    t.bcast = o.bcast;
    t.optin = o.optin;
    t.optout = o.optout;
    t.noloop = o.noloop;
    if (o.bcast) {
      if (o.prefixes.length === 0) this.addPrefix(c, '');
      for (const p of o.prefixes) this.addPrefix(c, p);
    }
  }

  private addPrefix(c: Client, prefix: string): void {
    let ps = this.prefixTable.get(prefix);
    if (ps === undefined) this.prefixTable.set(prefix, (ps = { clients: new Set(), keys: new Map() }));
    ps.clients.add(c);
    c.tracking!.prefixes.add(prefix);
  }

  /** CLIENT TRACKING OFF, RESET, a closed connection (disableTracking). */
  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    if (t.bcast) {
      for (const p of t.prefixes) {
        const ps = this.prefixTable.get(p)!;
        ps.clients.delete(c);
        if (ps.clients.size === 0) this.prefixTable.delete(p);
      }
    }
    c.tracking = null;
    this.clients--;
    // the keys it read stay in the table; they are dropped when next invalidated
  }

  /**
   * The first of `prefixes` that overlaps one of c's prefixes or a later one
   * in the list, as Redis reports it; null when none does. Redis stops at
   * such an overlap between two new prefixes only when it is the first
   * prefix's (its check returns the index): `proceed` says whether the
   * command still goes on to enable tracking after the error.
   */
  prefixCollision(c: Client, prefixes: string[]): { error: string; proceed: boolean } | null {
    const overlap = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);
    const mine = c.tracking?.prefixes;
    for (let i = 0; i < prefixes.length; i++) {
      if (mine !== undefined) {
        for (const p of [...mine].sort()) {
          if (overlap(p, prefixes[i])) {
            return {
              error: `ERR Prefix '${prefixes[i]}' overlaps with an existing prefix '${p}'. Prefixes for a single client must not overlap.`,
              proceed: false,
            };
          }
        }
      }
      for (let j = i + 1; j < prefixes.length; j++) {
        if (overlap(prefixes[i], prefixes[j])) {
          return {
            error: `ERR Prefix '${prefixes[i]}' overlaps with another provided prefix '${prefixes[j]}'. Prefixes for a single client must not overlap.`,
            proceed: i !== 0,
          };
        }
      }
    }
    return null;
  }

  // ---- reads ----

  /**
   * After a command ran for `c` (call()): remember the keys a read-only
   * command read, then, once the outermost command is done, send what was
   * held back for `c`.
   */
  afterCall(c: Client, cmd: Command, argv: string[], outermost: boolean): void {
    const t = c.tracking;
    // read-only scripts are not remembered themselves: the commands they call are
    if (t !== null && !t.bcast && cmd.has(F.readonly) && !READONLY_SCRIPTS.has(cmd.name)) this.rememberKeys(c, t, cmd, argv);
    if (outermost && this.pending.length !== 0) this.sendPending(c);
  }

  /**
   * A read-only command called by a script: Redis remembers, for the
   * script's caller, the keys of the caller's own command (EVAL's KEYS).
   */
  afterScriptCommand(caller: Client, cmd: Command, callerCmd: Command, callerArgv: string[]): void {
    const t = caller.tracking;
    if (t !== null && !t.bcast && cmd.has(F.readonly)) this.rememberKeys(caller, t, callerCmd, callerArgv);
  }

  private rememberKeys(c: Client, t: TrackingState, cmd: Command, argv: string[]): void {
    if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
    if (cmd.has(F.pubsub)) return; // shard channels are keys only for routing
    for (const k of commandKeys(cmd, argv)) {
      const key = argv[k.pos];
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, (ids = new Set()));
      if (!ids.has(c.id)) {
        ids.add(c.id);
        this.items++;
      }
    }
  }

  /** resetClient(): CLIENT CACHING applies to one command, or to a whole transaction. */
  commandDone(c: Client): void {
    const t = c.tracking;
    if (t === null || !t.caching || c.multi !== null) return;
    const cmd = c.lastCmd;
    if (cmd !== null && (cmd.parent ?? cmd).name === 'client') return;
    t.caching = false;
  }

  // ---- writes ----

  /**
   * A key changed (signalModifiedKey): invalidate it for the clients that
   * read it and collect it for the BCAST prefixes it falls under. `byClient`
   * is false for expiry and eviction (no client made the change).
   */
  keyModified(key: string, byClient: boolean): void {
    const current = this.srv.executingClient;
    this.invalidate(key, byClient ? current : null, true, current, true);
  }

  /**
   * trackingInvalidateKey. `modifier` is remembered for BCAST NOLOOP;
   * `current` is the client whose command runs; `executing` holds its
   * invalidations until it has replied.
   */
  private invalidate(key: string, modifier: Client | null, bcast: boolean, current: Client | null, executing: boolean): void {
    if (bcast && this.prefixTable.size !== 0) this.collectForBroadcast(key, modifier);
    const ids = this.table.get(key);
    if (ids === undefined) return;
    for (const id of ids) {
      const target = this.srv.clients.get(id);
      const t = target?.tracking;
      if (target === undefined || t === null || t === undefined || t.bcast) continue;
      if (t.noloop && target === current) continue;
      if (target === current && executing) this.pending.push(key);
      else this.send(target, oneKey(key));
    }
    this.items -= ids.size;
    this.table.delete(key);
  }

  private collectForBroadcast(key: string, modifier: Client | null): void {
    for (const [prefix, ps] of this.prefixTable) {
      if (!key.startsWith(prefix)) continue;
      ps.keys.set(key, modifier);
      this.bcastPending = true;
    }
  }

  /** FLUSHDB / FLUSHALL (trackingInvalidateKeysOnFlush): a null invalidation to every tracking client. */
  flushed(): void {
    if (this.clients !== 0) {
      const current = this.srv.executingClient;
      for (const c of this.srv.clients.values()) {
        if (c.tracking === null) continue;
        if (c === current) this.pending.push(null);
        else this.send(c, nullFor(c));
      }
    }
    this.table.clear();
    this.items = 0;
  }

  /** Send the BCAST invalidations collected during the event (trackingBroadcastInvalidationMessages). */
  broadcast(): void {
    this.bcastPending = false;
    const prefixes = [...this.prefixTable.keys()].sort();
    for (const prefix of prefixes) {
      const ps = this.prefixTable.get(prefix)!;
      if (ps.keys.size === 0) continue;
      const keys = [...ps.keys.keys()].sort();
      const common = keyArray(keys);
      for (const c of ps.clients) {
        if (c.tracking?.noloop) {
          const own = keys.filter((k) => ps.keys.get(k) !== c);
          if (own.length !== 0) this.send(c, keyArray(own));
        } else {
          this.send(c, common);
        }
      }
      ps.keys = new Map();
    }
  }

  /**
   * tracking-table-max-keys (trackingLimitUsedSlots): over the limit,
   * invalidate keys, oldest first, with an effort that grows while the
   * table stays over it. `current` is the client about to run a command.
   */
  limitTable(max: number, current: Client | null): void {
    if (max === 0 || this.table.size <= max) {
      this.overLimitRounds = 0;
      return;
    }
    let effort = 100 * (this.overLimitRounds + 1);
    for (const key of this.table.keys()) {
      if (effort-- <= 0) break;
      this.invalidate(key, null, false, current, false);
      if (this.table.size <= max) {
        this.overLimitRounds = 0;
        return;
      }
    }
    this.overLimitRounds++;
  }

  private sendPending(c: Client): void {
    const held = this.pending;
    this.pending = [];
    for (const key of held) this.send(c, key === null ? nullFor(c) : oneKey(key));
  }

  /**
   * sendTrackingMessage: to c, or to the client it redirects to. `payload`
   * is the encoded value part (a key array, or a null).
   */
  private send(c: Client, payload: string): void {
    const t = c.tracking;
    let to = c;
    if (t !== null && t.redirect !== 0) {
      const redir = this.srv.clients.get(t.redirect);
      if (redir === undefined) {
        t.brokenRedirect = true;
        // tell the client itself, when it can receive pushes
        if (c.reply.proto === 3) this.deliver(c, `>2\r\n${bulk('tracking-redir-broken')}:${t.redirect}\r\n`);
        return;
      }
      to = redir;
      if (to.reply.proto === 3) return this.deliver(to, INVALIDATE_PUSH + payload);
      // RESP2: only a client in Pub/Sub mode can take it, as a message
      if (to.pubsub !== null) this.deliver(to, INVALIDATE_MESSAGE + payload);
      return;
    }
    // without a redirect, RESP2 has no way to send it on the same connection
    if (to.reply.proto === 3) this.deliver(to, INVALIDATE_PUSH + payload);
  }

  private deliver(to: Client, bytes: string): void {
    // a client over its output-buffer limit is sent nothing more
    if (to.closed || to.closeAsap) return;
    const start = to.reply.len;
    to.reply.raw(bytes);
    to.reply.markPush(start);
    this.srv.pendingFlush.add(to);
    outputAdded(this.srv, to);
  }
}

/** The null a flush sends, in the protocol of the client that tracks (Redis uses its, even when redirecting). */
function nullFor(c: Client): string {
  return c.reply.proto === 3 ? '_\r\n' : '$-1\r\n';
}

function keyArray(keys: string[]): string {
  let s = `*${keys.length}\r\n`;
  for (const k of keys) s += bulk(k);
  return s;
}
