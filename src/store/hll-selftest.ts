/**
 * PFSELFTEST: checks the register packing, the agreement of the sparse and
 * dense encodings and the estimator's error. Returns null when all is well,
 * else what failed. The checks are tredis's own; like Redis's they are
 * deterministic, so a failure means a broken build, not bad luck.
 */
import { ByteString } from './value';
import {
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_REGISTER_MAX,
  HLL_SPARSE,
  addElement,
  countRegisters,
  denseGet,
  denseSetRaw,
  emptyHllBytes,
  encodingOfHll,
  toDense,
} from './hll';

/** A small deterministic generator (xorshift32). */
function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

function checkPacking(): string | null {
  const buf = new Uint8Array(HLL_DENSE_SIZE);
  const shadow = new Uint8Array(HLL_REGISTERS);
  const rnd = xorshift(0x5eed);
  for (let round = 0; round < 8; round++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = rnd() & HLL_REGISTER_MAX;
      shadow[i] = v;
      denseSetRaw(buf, i, v);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      if (denseGet(buf, i) !== shadow[i]) return `register ${i} reads ${denseGet(buf, i)} after writing ${shadow[i]}`;
    }
  }
  for (let i = 0; i < HLL_HDR_SIZE; i++) if (buf[i] !== 0) return 'a register write touched the header';
  return null;
}

function checkEncodingsAndError(): string | null {
  const sparse = new ByteString(emptyHllBytes());
  const dense = new ByteString(emptyHllBytes());
  if (!toDense(dense)) return 'an empty HLL does not convert to dense';
  // Large enough that the sparse value only turns dense on a register above 32.
  const keepSparse = 1 << 20;
  const bothUpTo = 5000;
  const total = 200000;
  const relStdErr = 1.04 / Math.sqrt(HLL_REGISTERS);
  for (let n = 1; n <= total; n++) {
    const ele = `pfselftest:${n}`;
    const b = addElement(dense, ele, keepSparse);
    if (n <= bothUpTo) {
      const a = addElement(sparse, ele, keepSparse);
      if (a !== b) return `sparse and dense disagree on adding element ${n}`;
      if (n % 97 === 0 || n === bothUpTo) {
        const cs = countRegisters(sparse);
        const cd = countRegisters(dense);
        if (cs !== cd) return `sparse count ${cs} and dense count ${cd} differ after ${n} elements`;
      }
      if (n === bothUpTo) {
        if (encodingOfHll(sparse.buf) !== HLL_DENSE && !toDense(sparse)) return 'the sparse value is corrupted';
        const regs = (v: ByteString) => v.buf.subarray(HLL_HDR_SIZE, HLL_DENSE_SIZE);
        if (Buffer.compare(regs(sparse), regs(dense)) !== 0) return 'registers differ between the sparse and the dense value';
      }
    }
    if (n % 997 !== 0 && n !== total) continue;
    const cd = countRegisters(dense) ?? -1;
    // Six standard errors: far outside what a sound estimator produces here.
    if (Math.abs(cd - n) / n > 6 * relStdErr) return `count ${cd} after ${n} distinct elements is off by more than the error bound`;
  }
  return null;
}

/**
 * With the configured hll-sparse-max-bytes, a new HLL must still be sparse
 * after 1, 10, 100... elements as long as that count is below half the
 * limit (Redis's PFSELFTEST checks the same, so a tiny limit fails it there too).
 */
function checkSparseUsed(sparseMaxBytes: number): string | null {
  const half = Math.floor(sparseMaxBytes / 2);
  const v = new ByteString(emptyHllBytes());
  for (let n = 1, checkpoint = 1; n < half; n++) {
    addElement(v, `pfselftest:${n}`, sparseMaxBytes);
    if (n !== checkpoint) continue;
    if (encodingOfHll(v.buf) !== HLL_SPARSE) return 'sparse encoding not used';
    checkpoint *= 10;
  }
  return null;
}

export function hllSelfTest(sparseMaxBytes: number): string | null {
  return checkPacking() ?? checkEncodingsAndError() ?? checkSparseUsed(sparseMaxBytes);
}
