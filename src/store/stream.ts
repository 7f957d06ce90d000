/**
 * Stream values (t_stream.c's data side; no RESP here).
 *
 * Entries live in nodes laid out like Redis's listpack nodes, one per rax
 * key, so that node boundaries - and with them what approximate (`~`)
 * trimming removes and XINFO's radix-tree-keys - come out as in Redis:
 *  - a node holds at most stream-node-max-entries entries (live + deleted),
 *    and a new node starts when the current last node's modelled listpack
 *    size plus the new entry's field/value bytes reaches
 *    stream-node-max-bytes (the model counts the bytes of Redis's listpack
 *    encoding: master entry, per-entry flags, ID deltas, values, lp-count);
 *  - the first entry's fields are the node's "master fields": a later entry
 *    with exactly those fields stores only its values (SAMEFIELDS);
 *  - XDEL only flags an entry deleted; a node goes away when its last live
 *    entry does.
 * In a node, IDs (4 uint32 halves), flags and item offsets sit in one
 * Uint32Array and the strings in one flat array, so an entry costs no object
 * of its own. Nodes are kept in an array sorted by their first ID: finding
 * an ID is a binary search over nodes and then inside the node, so a range
 * of M entries costs O(log N + M). The node and its size model are in
 * stream-node.ts.
 */
import { StoredObject } from './value';
import { ConsumerGroup, dupGroups } from './stream-groups';
import {
  StreamId,
  ZERO_ID,
  MAX_ID,
  compareIds,
  idEquals,
  idFromNumbers,
  incrId,
  formatU64,
} from './stream-id';
import { StreamNode, raxNodeEstimate } from './stream-node';

/** stream-node-max-entries / stream-node-max-bytes (0 = no limit). */
export interface StreamLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxEntries: 100, maxBytes: 4096 };

/** STREAM_LISTPACK_MAX_SIZE: the byte limit used when the setting is 0 or larger. */
const LISTPACK_MAX_SIZE = 1 << 30;

const TWO32 = 4294967296;

/** One entry, as handed out by the convenience readers. */
export interface StreamEntry {
  id: StreamId;
  /** [field1, value1, field2, value2, ...] */
  fields: string[];
}

/** The trimming request of XADD / XTRIM. */
export interface TrimSpec {
  /** 'maxlen': keep at most `maxlen` entries; 'minid': drop entries below `minid`. */
  strategy: 'maxlen' | 'minid';
  maxlen: number;
  minid: StreamId;
  /** `~`: remove whole nodes only. */
  approx: boolean;
  /** Most entries to remove (0 = no limit). */
  limit: number;
}

// ---- the stream -------------------------------------------------------------

export class Stream extends StoredObject {
  /** Nodes in ID order (Redis's rax keys). */
  private nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  /** The last ID ever generated or set (XADD, XSETID); 0-0 when none. */
  lastId: StreamId = ZERO_ID;
  /** ID of the first live entry; 0-0 when empty. */
  firstId: StreamId = ZERO_ID;
  /** The largest ID deleted by XDEL (or set by XSETID MAXDELETEDID); 0-0 when none. */
  maxDeletedId: StreamId = ZERO_ID;
  /**
   * Entries ever added (XADD), or as set by XSETID ENTRIESADDED. Exact up to
   * 2^53; past that see entriesAddedExact() (setEntriesAdded() keeps both).
   */
  entriesAdded = 0;
  /** The exact uint64 counter once it left the safe-integer range, else null. */
  private bigAdded: bigint | null = null;
  /** Consumer groups by name; null until the first XGROUP CREATE. */
  groups: Map<string, ConsumerGroup> | null = null;

  get type(): 'stream' {
    return 'stream';
  }

  encoding(): string {
    return 'stream';
  }

  // ---- sizes (XINFO STREAM) ----

  /** Listpack nodes: XINFO STREAM's radix-tree-keys. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /**
   * An estimate of XINFO STREAM's radix-tree-nodes (rax->numnodes): the
   * exact figure depends on rax's node splitting history; this counts the
   * nodes of a compressed trie over the 16-byte big-endian node keys
   * (a root, one node per branching point and per key).
   */
  radixTreeNodes(): number {
    return raxNodeEstimate(this.nodes);
  }

  // ---- reading ----

  /** The fields [f, v, ...] of the live entry `id`, or null. */
  get(id: StreamId): string[] | null {
    const pos = this.find(id);
    if (pos === null) return null;
    return this.nodes[pos[0]].fields(pos[1]);
  }

  /** Whether a live entry has this ID. */
  has(id: StreamId): boolean {
    return this.find(id) !== null;
  }

  /** The first live entry, or null when empty. */
  firstEntry(): StreamEntry | null {
    const it = this.iterate(ZERO_ID, MAX_ID, false);
    return it.next() ? it.entry() : null;
  }

  /**
   * streamGetEdgeID(first, with tombstones): the ID of the first entry still
   * stored, deleted or not; MAX_ID when there is none (what Redis writes as
   * the MINID of a propagated approximate trim).
   */
  firstStoredId(): StreamId {
    return this.nodes.length === 0 ? MAX_ID : this.nodes[0].idAt(0);
  }

  /** The last live entry's ID (streamLastValidID), or null when empty. */
  lastValidId(): StreamId | null {
    const it = this.iterate(ZERO_ID, MAX_ID, true);
    return it.next() ? it.id() : null;
  }

  /** The last live entry, or null when empty. */
  lastEntry(): StreamEntry | null {
    const it = this.iterate(ZERO_ID, MAX_ID, true);
    return it.next() ? it.entry() : null;
  }

  /**
   * Live entries with start <= ID <= end, ascending (or descending with
   * `rev`), at most `count` of them (0 = all).
   */
  range(start: StreamId, end: StreamId, count = 0, rev = false): StreamEntry[] {
    const out: StreamEntry[] = [];
    const it = this.iterate(start, end, rev);
    while ((count === 0 || out.length < count) && it.next()) out.push(it.entry());
    return out;
  }

  /**
   * A cursor over live entries with start <= ID <= end, ascending or
   * (rev) descending. Call next() before each entry; it allocates nothing
   * unless asked for the ID or the field array.
   */
  iterate(start: StreamId, end: StreamId, rev = false): StreamIterator {
    return new StreamIterator(this, start, end, rev);
  }

  /** @internal for StreamIterator and the RDB writer */
  nodeList(): StreamNode[] {
    return this.nodes;
  }

  /**
   * @internal for the RDB loader: the stream's nodes, in ID order, each
   * with at least one entry, all but the last sealed. The caller sets
   * length and the IDs.
   */
  adoptNodes(nodes: StreamNode[]): void {
    this.nodes = nodes;
  }

  /** Index of the last node whose first ID is <= id, -1 when none. */
  nodeFor(id: StreamId): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nodes[mid].cmp(0, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** [node index, entry index] of the live entry `id`, or null. */
  private find(id: StreamId): [number, number] | null {
    const ni = this.nodeFor(id);
    if (ni < 0) return null;
    const node = this.nodes[ni];
    const i = node.lowerBound(id);
    if (i >= node.n || node.cmp(i, id) !== 0 || node.isDeleted(i)) return null;
    return [ni, i];
  }

  // ---- writing ----

  /**
   * The ID XADD `*` generates at `nowMs`: (now, 0) when now is past the last
   * ID's ms, else the last ID + 1; null when the last ID is the maximum.
   */
  nextAutoId(nowMs: number): StreamId | null {
    const last = this.lastId;
    const lastMs = last.msHi < 2097152 ? last.msHi * TWO32 + last.msLo : Infinity;
    if (nowMs > lastMs) return idFromNumbers(nowMs, 0);
    return incrId(last);
  }

  /**
   * The ID for XADD `ms-*`: seq 0 above the last ID's ms, last seq + 1 at
   * the same ms; null when that is not above the last ID.
   */
  nextSeqId(msHi: number, msLo: number): StreamId | null {
    const last = this.lastId;
    if (msHi === last.msHi && msLo === last.msLo) {
      if (last.seqHi === 0xffffffff && last.seqLo === 0xffffffff) return null;
      return incrId(last);
    }
    if (msHi > last.msHi || (msHi === last.msHi && msLo > last.msLo)) return new StreamId(msHi, msLo, 0, 0);
    return null;
  }

  /**
   * streamAppendItem(): add an entry whose fields are fv[from, to)
   * (field, value pairs). The caller checked that id > lastId. Updates
   * length, lastId, firstId and entriesAdded.
   */
  append(id: StreamId, fv: readonly string[], from: number, to: number, limits: StreamLimits): void {
    const nodes = this.nodes;
    let node = nodes.length === 0 ? null : nodes[nodes.length - 1];
    if (node !== null) {
      let maxBytes = limits.maxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      let elelen = 0;
      for (let j = from; j < to; j++) elelen += fv[j].length;
      if (node.bytes + elelen >= maxBytes) node = null;
      else if (limits.maxEntries !== 0 && node.n >= limits.maxEntries) node = null;
    }
    if (node === null) {
      if (nodes.length !== 0) nodes[nodes.length - 1].seal();
      const nf = (to - from) >> 1;
      const master = new Array<string>(nf);
      for (let k = 0; k < nf; k++) master[k] = fv[from + 2 * k];
      // a full node's room up front (Redis's default: 100 entries)
      const cap = limits.maxEntries !== 0 && limits.maxEntries <= 512 ? limits.maxEntries : 64;
      node = new StreamNode(cap, master);
      nodes.push(node);
    }
    node.push(id, fv, from, to);
    if (this.length === 0) this.firstId = id;
    this.length++;
    this.lastId = id;
    this.entriesAdded++;
    if (this.bigAdded !== null) this.bigAdded = BigInt.asUintN(64, this.bigAdded + 1n);
  }

  /** XSETID ENTRIESADDED (0 <= n <= 2^63 - 1). */
  setEntriesAdded(n: number | bigint): void {
    if (typeof n === 'bigint' || n > Number.MAX_SAFE_INTEGER) {
      this.bigAdded = BigInt(n);
      this.entriesAdded = Number(n);
    } else {
      this.bigAdded = null;
      this.entriesAdded = n;
    }
  }

  /**
   * entries-added as Redis prints it (the uint64 counter read as a signed
   * long long), exact even past 2^53.
   */
  entriesAddedExact(): number | bigint {
    return this.bigAdded === null ? this.entriesAdded : BigInt.asIntN(64, this.bigAdded);
  }

  /**
   * XDEL one ID: true when a live entry was deleted. Updates length,
   * firstId and maxDeletedId (as XDEL does).
   */
  delete(id: StreamId): boolean {
    const pos = this.find(id);
    if (pos === null) return false;
    const [ni, i] = pos;
    const node = this.nodes[ni];
    const wasFirst = idEquals(id, this.firstId);
    if (node.live === 1) this.nodes.splice(ni, 1);
    else node.markDeleted(i);
    this.length--;
    if (compareIds(id, this.maxDeletedId) > 0) this.maxDeletedId = id;
    if (this.length === 0) this.firstId = ZERO_ID;
    else if (wasFirst) this.refreshFirstId();
    return true;
  }

  private refreshFirstId(): void {
    const it = this.iterate(ZERO_ID, MAX_ID, false);
    this.firstId = it.next() ? it.id() : ZERO_ID;
  }

  /**
   * streamTrim(): remove entries from the head per `spec`; returns how many.
   * With `approx`, only whole nodes go; otherwise the first node that cannot
   * go whole is trimmed entry by entry. Does not touch maxDeletedId.
   */
  trim(spec: TrimSpec): number {
    const nodes = this.nodes;
    let removedNodes = 0;
    let deleted = 0;
    const limit = spec.limit;
    const byLen = spec.strategy === 'maxlen';
    for (let ni = 0; ni < nodes.length; ni++) {
      if (byLen && this.length <= spec.maxlen) break;
      const node = nodes[ni];
      const entries = node.live;
      if (limit !== 0 && deleted + entries > limit) break;
      const whole = byLen
        ? this.length - entries >= spec.maxlen
        : node.cmp(node.n - 1, spec.minid) < 0;
      if (whole) {
        removedNodes++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (spec.approx) break;
      for (let i = 0; i < node.n; i++) {
        if (node.isDeleted(i)) continue;
        if (byLen) {
          if (this.length <= spec.maxlen) break;
        } else if (node.cmp(i, spec.minid) >= 0) break;
        node.markDeleted(i);
        this.length--;
        deleted++;
      }
      break;
    }
    if (removedNodes !== 0) nodes.splice(0, removedNodes);
    if (deleted !== 0) {
      if (this.length === 0) this.firstId = ZERO_ID;
      else this.refreshFirstId();
    }
    return deleted;
  }

  /** COPY: an independent copy, groups included. */
  dup(): Stream {
    const s = new Stream();
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    s.bigAdded = this.bigAdded;
    if (this.groups !== null) s.groups = dupGroups(this.groups);
    return s;
  }
}

/**
 * A cursor over a stream's live entries in an ID range. Positioned on an
 * entry after next() returned true. The stream must not change while a
 * cursor is in use.
 */
export class StreamIterator {
  private readonly nodes: StreamNode[];
  private ni: number;
  private i: number;
  private node: StreamNode | null = null;
  private done = false;

  constructor(
    stream: Stream,
    private readonly start: StreamId,
    private readonly end: StreamId,
    private readonly rev: boolean,
  ) {
    this.nodes = stream.nodeList();
    if (compareIds(start, end) > 0) {
      this.done = true;
      this.ni = 0;
      this.i = 0;
      return;
    }
    if (!rev) {
      this.ni = Math.max(0, stream.nodeFor(start));
      const node = this.nodes[this.ni];
      this.i = node === undefined ? 0 : node.lowerBound(start) - 1;
    } else {
      this.ni = stream.nodeFor(end);
      if (this.ni < 0) {
        this.done = true;
        this.i = 0;
        return;
      }
      const node = this.nodes[this.ni];
      // one past the last entry <= end
      let j = node.lowerBound(end);
      if (j < node.n && node.cmp(j, end) === 0) j++;
      this.i = j;
    }
  }

  /** Advance to the next live entry in range; false when there is none. */
  next(): boolean {
    if (this.done) return false;
    const nodes = this.nodes;
    if (!this.rev) {
      for (;;) {
        const node = nodes[this.ni];
        if (node === undefined) break;
        this.i++;
        if (this.i >= node.n) {
          this.ni++;
          this.i = -1;
          continue;
        }
        if (node.cmp(this.i, this.end) > 0) break;
        if (node.isDeleted(this.i)) continue;
        this.node = node;
        return true;
      }
    } else {
      for (;;) {
        const node = nodes[this.ni];
        if (node === undefined) break;
        this.i--;
        if (this.i < 0) {
          this.ni--;
          const prev = nodes[this.ni];
          if (prev === undefined) break;
          this.i = prev.n;
          continue;
        }
        if (node.cmp(this.i, this.start) < 0) break;
        if (node.isDeleted(this.i)) continue;
        this.node = node;
        return true;
      }
    }
    this.done = true;
    this.node = null;
    return false;
  }

  /** The current entry's ID. */
  id(): StreamId {
    return this.node!.idAt(this.i);
  }

  /** The current entry's ID as `ms-seq`. */
  idString(): string {
    return this.node!.idString(this.i);
  }

  /** Number of field/value pairs of the current entry. */
  fieldCount(): number {
    return this.node!.fieldCount(this.i);
  }

  field(k: number): string {
    return this.node!.field(this.i, k);
  }

  value(k: number): string {
    return this.node!.value(this.i, k);
  }

  /** The current entry's [f, v, f, v...]. */
  fields(): string[] {
    return this.node!.fields(this.i);
  }

  entry(): StreamEntry {
    return { id: this.id(), fields: this.fields() };
  }
}
