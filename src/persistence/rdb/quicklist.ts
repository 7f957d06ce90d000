/**
 * Lists in the RDB format Redis 7.0 writes, LIST_QUICKLIST_2:
 *
 *   <node count> (<container: 1 plain, 2 packed> <node data as a string>)...
 *
 * A packed node's data is a listpack of elements; a plain node's is one
 * element that was too large for a listpack (at least the packed
 * threshold, 1 GB unless DEBUG QUICKLIST-PACKED-THRESHOLD lowers it).
 * With list-compress-depth d, the nodes more than d from either end are
 * stored LZF-compressed (when that saves at least 8 bytes of a node of at
 * least 48), as the quicklist holds them.
 *
 * A list here is a plain deque with no nodes: they are cut as a quicklist
 * built by RPUSH cuts them (_quicklistNodeAllowInsert under
 * list-max-listpack-size), so a list built that way dumps byte for byte as
 * Redis's does; others hold the same elements in a different node layout.
 */
import { RdbOut, RdbType } from './encoding';
import { ListpackWriter } from './listpack';
import { lzfCompress } from '../lzf';
import type { List } from '../../store/list';

const CONTAINER_PLAIN = 1;
const CONTAINER_PACKED = 2;
/** SIZE_SAFETY_LIMIT: a node of a count-limited (positive fill) list stays within 8 KB. */
const SIZE_SAFETY_LIMIT = 8192;
/** Added to the element size when estimating a node's size after an insert. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** Node byte limits for fill -1..-5. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const FILL_MAX = 32767;
const MIN_COMPRESS_BYTES = 48;
const MIN_COMPRESS_IMPROVE = 8;

let packedThreshold = 1 << 30;

/** DEBUG QUICKLIST-PACKED-THRESHOLD: elements of at least this many bytes get a plain node. */
export function setPackedThreshold(bytes: number): void {
  packedThreshold = bytes;
}

export function getPackedThreshold(): number {
  return packedThreshold;
}

/** _quicklistNodeAllowInsert for a packed node of `bytes` and `count` elements. */
function allowInsert(bytes: number, count: number, fill: number, sz: number): boolean {
  const next = bytes + sz + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0) return next <= OPTIMIZATION_LEVEL[-fill - 1];
  return next <= SIZE_SAFETY_LIMIT && count < fill;
}

const lp = new ListpackWriter(8192);

interface Node {
  plain: boolean;
  data: Buffer;
}

/** rdbSaveObject of a list (type byte included). */
export function writeQuicklist(out: RdbOut, l: List, fill: number, compressDepth: number): void {
  if (fill > FILL_MAX) fill = FILL_MAX;
  else if (fill < -5) fill = -5;
  const nodes: Node[] = [];
  let open = false;
  const close = (): void => {
    if (open) nodes.push({ plain: false, data: Buffer.from(lp.finish()) });
    open = false;
  };
  for (let i = 0; i < l.length; i++) {
    const e = l.at(i);
    if (e.length >= packedThreshold) {
      close();
      nodes.push({ plain: true, data: Buffer.from(e, 'latin1') });
      continue;
    }
    if (open && !allowInsert(lp.bytes, lp.count, fill, e.length)) close();
    if (!open) {
      lp.reset();
      open = true;
    }
    lp.string(e);
  }
  close();

  out.byte(RdbType.LIST_QUICKLIST_2);
  out.length(nodes.length);
  const n = nodes.length;
  const compressing = compressDepth > 0 && n >= compressDepth * 2;
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    out.length(node.plain ? CONTAINER_PLAIN : CONTAINER_PACKED);
    if (compressing && i >= compressDepth && i < n - compressDepth && node.data.length >= MIN_COMPRESS_BYTES) {
      const packed = lzfCompress(node.data, node.data.length);
      if (packed !== null && packed.length + MIN_COMPRESS_IMPROVE < node.data.length) {
        // rdbSaveLzfBlob: the node as the quicklist holds it
        out.byte(0xc3);
        out.length(packed.length);
        out.length(node.data.length);
        out.raw(packed);
        continue;
      }
    }
    out.stringBytes(node.data);
  }
}
