/**
 * HyperLogLog differential tests: the same commands on a real redis-server
 * and on tredis, every reply compared byte for byte — above all GET of the
 * HLL value after PFADD sequences of many sizes (sparse, the promotion to
 * dense, dense), PFMERGE over mixed encodings, hll-sparse-max-bytes changes,
 * values made by hand (SET of HLL bytes) and corrupted ones.
 */
import { prng as rng } from '../prng';
import { expect, it } from 'vitest';
import { Args, describeScripts, describeWithRedis, formatMismatch, Pair, S, showCmd, Step, useServers } from './harness';

const servers = useServers();

/** A random element: binary bytes, text or a number, 0..40 bytes. */
function element(r: () => number): string {
  const kind = Math.floor(r() * 3);
  if (kind === 0) return String(Math.floor(r() * 1e9));
  const len = Math.floor(r() * 41);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(kind === 1 ? 32 + Math.floor(r() * 95) : Math.floor(r() * 256));
  return s;
}

/** HLL header bytes: magic, encoding, cached cardinality (stale flag in the top bit). */
function header(enc: number, card = 0, stale = false): string {
  let s = 'HYLL' + String.fromCharCode(enc, 0, 0, 0);
  let v = card;
  for (let i = 0; i < 8; i++) {
    let b = v % 256;
    v = Math.floor(v / 256);
    if (i === 7 && stale) b |= 0x80;
    s += String.fromCharCode(b);
  }
  return s;
}
const bytes = (...b: number[]) => String.fromCharCode(...b);
const XZERO_ALL = bytes(0x7f, 0xff);

/** Run steps on a pair, failing with the first differences and their context. */
async function runSteps(pair: Pair, steps: Args[], label: string): Promise<void> {
  const diffs: string[] = [];
  for (let i = 0; i < steps.length && diffs.length < 5; i++) {
    const m = await pair.step(steps[i], i);
    if (m) diffs.push(`${label} step #${i}: ${formatMismatch(m)}\n  previous: ${steps.slice(Math.max(0, i - 5), i).map(showCmd).join(' | ')}`);
  }
  if (diffs.length) expect.fail(diffs.join('\n\n'));
}

async function withPair(fn: (pair: Pair) => Promise<void>): Promise<void> {
  const pair = await Pair.open(servers);
  try {
    const flushed = await pair.step(['FLUSHALL']);
    if (flushed) expect.fail(formatMismatch(flushed));
    await fn(pair);
    const left = await pair.drained();
    if (left) expect.fail(left);
  } finally {
    await pair.both(['CONFIG', 'SET', 'hll-sparse-max-bytes', '3000']);
    await pair.close();
  }
}

const scripts: Record<string, Step[]> = {
  'PFADD/PFCOUNT basics and cache': S(
    'PFADD h',
    'GET h',
    'PFCOUNT h',
    'PFADD h',
    'PFADD h a b c',
    'GET h',
    'PFADD h a',
    'PFCOUNT h',
    'GET h',
    'PFCOUNT h',
    'OBJECT ENCODING h',
    'PFCOUNT nokey',
    'PFCOUNT nokey h',
    'PFCOUNT nokey1 nokey2',
    'PFADD h2 x y z a',
    'PFCOUNT h h2',
    'PFCOUNT h2 h h nokey',
    'GET h2',
    'PFADD h ""',
    'GET h',
    'pfadd H 1 2 3 4 5 6 7 8 9 10',
    'PFCOUNT H',
    'GET H',
    // Edits keep the key's TTL.
    'PFADD t a',
    'EXPIRE t 1000',
    'PFADD t b',
    'TTL t',
    'PFCOUNT t',
    'TTL t',
    'PFMERGE t H',
    'TTL t',
    'PFDEBUG TODENSE t',
    'TTL t',
    ['SET', 'u', header(1, 3) + XZERO_ALL, 'EX', '500'],
    'PFCOUNT u',
    'PFADD u x',
    'TTL u',
  ),
  'errors and wrong types': S(
    'PFADD',
    'PFCOUNT',
    'PFMERGE',
    'PFDEBUG',
    'PFDEBUG GETREG',
    'PFDEBUG GETREG a b',
    'PFSELFTEST x',
    'SET s abc',
    'PFADD s x',
    'PFCOUNT s',
    'PFCOUNT nokey s',
    'PFMERGE s',
    'PFMERGE d s',
    'EXISTS d',
    'PFDEBUG ENCODING s',
    'SET n 12345',
    'PFADD n x',
    'PFCOUNT n',
    'LPUSH l x',
    'PFADD l x',
    'PFCOUNT l',
    'PFCOUNT h l',
    'PFMERGE l',
    'PFMERGE h l',
    'PFDEBUG ENCODING l',
    'PFDEBUG ENCODING nokey',
    'PFDEBUG NOSUCH nokey',
    'PFADD h a',
    'PFDEBUG NOSUCH h',
    'PFDEBUG "" h',
    'SET e ""',
    'PFADD e x',
    ['SET', 'short', 'HYLL'],
    'PFCOUNT short',
    ['SET', 'hdr', header(1)],
    'PFCOUNT hdr',
    'PFADD hdr x',
    'PFDEBUG DECODE hdr',
    ['SET', 'enc2', header(2) + XZERO_ALL],
    'PFCOUNT enc2',
    ['SET', 'badmagic', 'HYLX' + header(1).slice(4) + XZERO_ALL],
    'PFCOUNT badmagic',
    ['SET', 'shortdense', header(0) + XZERO_ALL],
    'PFCOUNT shortdense',
    'PFADD shortdense x',
  ),
  'PFDEBUG subcommands': S(
    'PFADD h a b c d e',
    'PFDEBUG ENCODING h',
    'PFDEBUG DECODE h',
    'pfdebug decode h',
    'PFDEBUG TODENSE h',
    'PFDEBUG ENCODING h',
    'PFDEBUG DECODE h',
    'PFDEBUG TODENSE h',
    'PFCOUNT h',
    'GET h',
    'PFADD g x',
    'PFDEBUG GETREG g',
    'PFDEBUG ENCODING g',
    'GET g',
    'SET raw somevalue',
    ['SET', 'made', header(1, 5) + bytes(0x5c, 0xb3, 0x90) + bytes(0x63, 0x4a)],
    'OBJECT ENCODING made',
    'PFDEBUG ENCODING made',
    'OBJECT ENCODING made',
    'PFDEBUG DECODE made',
  ),
  'values set by hand: encodings of the key, valid cache': S(
    ['SET', 'm', header(1, 5) + XZERO_ALL],
    'OBJECT ENCODING m',
    'PFCOUNT m',
    'OBJECT ENCODING m',
    ['SET', 'm', header(1, 5, true) + XZERO_ALL],
    'PFCOUNT m x',
    'OBJECT ENCODING m',
    'PFCOUNT m',
    'GET m',
    ['SET', 'm', header(1, 5, true) + XZERO_ALL],
    'PFMERGE m',
    'OBJECT ENCODING m',
    'GET m',
    ['SET', 'm2', header(1, 7) + XZERO_ALL],
    'PFADD m2',
    'OBJECT ENCODING m2',
    'GET m2',
    'PFADD m2 a',
    'GET m2',
    'APPEND m2 ""',
    'PFADD m2 b',
    'GET m2',
    'STRLEN m2',
    ['SETRANGE', 'm2', '16', bytes(0x7f)],
    'GET m2',
  ),
  'corrupted sparse values': S(
    // Runs that stop short of 16384 registers.
    ['SET', 'c1', header(1, 5, true) + bytes(0x5c, 0xb3, 0x90)],
    'PFCOUNT c1',
    'PFADD c1 x',
    'PFADD c1 z',
    'GET c1',
    'PFCOUNT c1 nokey',
    'PFMERGE d c1',
    'EXISTS d',
    'PFDEBUG GETREG c1',
    'PFDEBUG TODENSE c1',
    'PFDEBUG DECODE c1',
    // Runs past 16384 registers.
    ['SET', 'c2', header(1, 5, true) + XZERO_ALL + XZERO_ALL],
    'PFCOUNT c2',
    'PFADD c2 x',
    'GET c2',
    'PFCOUNT c2',
    'PFCOUNT c2 nokey',
    'PFDEBUG TODENSE c2',
    // A valid cache hides the corruption from PFCOUNT of one key.
    ['SET', 'c3', header(1, 42) + bytes(0x40)],
    'PFCOUNT c3',
    'PFCOUNT c3 nokey',
    'PFADD c3 x',
    'GET c3',
    // A truncated XZERO at the end reads a zero second byte.
    ['SET', 'c4', header(1, 0, true) + bytes(0x7f)],
    'PFDEBUG DECODE c4',
    ['SET', 'c5', header(1, 0, true) + bytes(0x01, 0x88, 0x7f)],
    'PFDEBUG DECODE c5',
    'PFCOUNT c5',
    'PFADD c5 a b c',
    'GET c5',
    // An edit of a truncated XZERO spills its last byte past the end, where
    // Redis's terminator was: later reads of that XZERO see it.
    ['SET', 'c9', header(1, 0, true) + bytes(0x7f)],
    ['PFADD', 'c9', ''],
    'PFDEBUG DECODE c9',
    'GET c9',
    'PFADD c9 a',
    'PFDEBUG DECODE c9',
    'GET c9',
    ['SET', 'c9', header(1, 0, true) + bytes(0x7f)],
    ['PFADD', 'c9', ''],
    'PFCOUNT c9 nokey',
    'PFDEBUG TODENSE c9',
    'APPEND c9 x',
    'PFDEBUG DECODE c9',
    // A VAL run past the last register.
    ['SET', 'c6', header(1, 0, true) + bytes(0x7f, 0xfe, 0x83)],
    'PFCOUNT c6',
    'PFDEBUG TODENSE c6',
    'PFCOUNT c6 nokey',
    // Runs that end exactly on the last register, then one more VAL or ZERO.
    ['SET', 'c8', header(1, 0, true) + bytes(0x7f, 0xfe, 0x84, 0x84)],
    'PFCOUNT c8 nokey',
    'PFMERGE c9 c8',
    'PFDEBUG TODENSE c8',
    'PFCOUNT c8',
    ['SET', 'c8', header(1, 0, true) + bytes(0x7f, 0xff, 0x84)],
    'PFCOUNT c8 nokey',
    'PFDEBUG GETREG c8',
    ['SET', 'c8', header(1, 0, true) + bytes(0x7f, 0xfe, 0x84, 0x00)],
    'PFCOUNT c8 nokey',
    'PFADD c8 a b c',
    'GET c8',
    // Header only.
    ['SET', 'c7', header(1, 0, true)],
    'PFCOUNT c7',
    'PFADD c7 a',
    'PFMERGE c7',
    'PFDEBUG DECODE c7',
    // Dense values with any register contents are valid.
    ['SET', 'd1', header(0, 0, true) + bytes(0xff).repeat(12288)],
    'PFCOUNT d1',
    'PFADD d1 a',
    'PFCOUNT d1 nokey',
    ['SET', 'd2', header(0, 0, true) + bytes(0x41, 0x10, 0x04).repeat(4096)],
    'PFCOUNT d2',
    'PFMERGE d3 d2 d1',
    'GET d3',
    // Every register 63: the estimate is infinite and llroundl() gives LLONG_MIN.
    'PFCOUNT d1',
    'GET d1',
    'PFCOUNT d1',
    // Registers of 45 (0b101101 packed): a finite estimate past 2^53.
    ['SET', 'd4', header(0, 0, true) + bytes(0x6d, 0xdb, 0xb6).repeat(4096)],
    'PFCOUNT d4',
    'GET d4',
    'PFCOUNT d4 nokey',
    // Cached cardinalities up to 2^63-1 are replied as stored.
    ['SET', 'v1', header(1) + XZERO_ALL],
    ['SETRANGE', 'v1', '8', bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)],
    'PFCOUNT v1',
    ['SETRANGE', 'v1', '8', bytes(0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x27, 0x00)],
    'PFCOUNT v1',
  ),
};

describeScripts('compat hyperloglog scripts', scripts, { servers, shown: 20 });

describeWithRedis('compat hyperloglog bytes', () => {
  // Element counts around the interesting sizes: tiny, sparse growing
  // (merges of VAL runs), the 3000-byte promotion, dense.
  const sizes = [1, 2, 3, 5, 8, 13, 30, 64, 100, 250, 500, 1000, 1500, 2000, 2500, 3000, 4000, 8000, 20000, 60000];

  for (const n of sizes) {
    it(`GET after PFADD of ${n} random elements (one per PFADD, then batches)`, async () => {
      await withPair(async (pair) => {
        const r = rng(1000 + n);
        const steps: Args[] = [];
        // One element per call while small enough, so every intermediate state is compared.
        const single = Math.min(n, 600);
        for (let i = 0; i < single; i++) {
          steps.push(['PFADD', 'h', element(r)]);
          if (i % 7 === 0 || i === single - 1) steps.push(['GET', 'h']);
          if (i % 50 === 0) steps.push(['PFCOUNT', 'h']);
        }
        for (let done = single; done < n; ) {
          const batch = Math.min(n - done, 1 + Math.floor(r() * 400));
          const args = ['PFADD', 'h'];
          for (let j = 0; j < batch; j++) args.push(element(r));
          steps.push(args, ['GET', 'h'], ['PFCOUNT', 'h']);
          done += batch;
        }
        steps.push(['PFDEBUG', 'ENCODING', 'h'], ['PFCOUNT', 'h'], ['GET', 'h'], ['STRLEN', 'h']);
        await runSteps(pair, steps, `n=${n}`);
      });
    }, 120000);
  }

  it('repeated and duplicate elements, numbers in sequence', async () => {
    await withPair(async (pair) => {
      const steps: Args[] = [];
      for (let i = 0; i < 3000; i += 1 + (i % 5)) {
        steps.push(['PFADD', 'seq', String(i), String(i), `el:${i}`]);
        if (i % 37 === 0) steps.push(['GET', 'seq'], ['PFCOUNT', 'seq']);
      }
      steps.push(['GET', 'seq'], ['PFCOUNT', 'seq'], ['PFDEBUG', 'DECODE', 'seq']);
      await runSteps(pair, steps, 'seq');
    });
  }, 120000);

  it('hll-sparse-max-bytes: small, zero and large limits', async () => {
    await withPair(async (pair) => {
      for (const limit of ['0', '18', '40', '100', '500', '10000', '3000']) {
        const r = rng(Number(limit) + 7);
        const steps: Args[] = [['CONFIG', 'SET', 'hll-sparse-max-bytes', limit], ['DEL', 'h']];
        for (let i = 0; i < 400; i++) {
          steps.push(['PFADD', 'h', element(r)]);
          if (i % 3 === 0) steps.push(['GET', 'h']);
        }
        steps.push(['PFDEBUG', 'ENCODING', 'h'], ['GET', 'h'], ['PFCOUNT', 'h']);
        await runSteps(pair, steps, `limit=${limit}`);
      }
    });
  }, 120000);

  it('PFMERGE of sparse, dense and mixed sources; destination among them', async () => {
    await withPair(async (pair) => {
      const r = rng(77);
      const fill = (key: string, n: number): Args[] => {
        const out: Args[] = [];
        for (let done = 0; done < n; ) {
          const batch = Math.min(n - done, 200);
          const args = ['PFADD', key];
          for (let j = 0; j < batch; j++) args.push(element(r));
          out.push(args);
          done += batch;
        }
        return out;
      };
      const steps: Args[] = [
        ...fill('s1', 40),
        ...fill('s2', 300),
        ...fill('s3', 900),
        ...fill('d1', 5000),
        ...fill('d2', 20000),
        ['PFMERGE', 'm1', 's1', 's2'],
        ['GET', 'm1'],
        ['PFCOUNT', 'm1'],
        ['PFMERGE', 'm2', 's1', 's2', 's3'],
        ['GET', 'm2'],
        ['PFDEBUG', 'ENCODING', 'm2'],
        ['PFMERGE', 'm3', 's1', 'd1'],
        ['GET', 'm3'],
        ['PFDEBUG', 'ENCODING', 'm3'],
        ['PFMERGE', 's1', 's2'],
        ['GET', 's1'],
        ['PFMERGE', 's2', 'd2', 'nokey'],
        ['GET', 's2'],
        ['PFMERGE', 'd1', 's3'],
        ['GET', 'd1'],
        ['PFMERGE', 'm4'],
        ['GET', 'm4'],
        ['PFMERGE', 'm5', 'nokey'],
        ['GET', 'm5'],
        ['PFCOUNT', 's1', 's2', 's3', 'd1', 'd2'],
        ['PFCOUNT', 's1', 's3'],
        ['PFCOUNT', 'd1', 'd2', 'm3'],
        ['PFMERGE', 'm6', 'm6'],
        ['PFMERGE', 's3', 's3', 's3'],
        ['GET', 's3'],
        ['CONFIG', 'SET', 'hll-sparse-max-bytes', '60'],
        ...fill('t1', 10),
        ...fill('t2', 10),
        ...fill('t3', 10),
        ['PFMERGE', 't1', 't2', 't3'],
        ['GET', 't1'],
        ['PFDEBUG', 'ENCODING', 't1'],
        ['PFCOUNT', 't1', 't2'],
      ];
      await runSteps(pair, steps, 'pfmerge');
    });
  }, 120000);

  it('PFSELFTEST under several sparse limits (a small one fails it in Redis too)', async () => {
    await withPair(async (pair) => {
      for (const limit of ['0', '18', '21', '22', '64', '700', '3000']) {
        await pair.both(['CONFIG', 'SET', 'hll-sparse-max-bytes', limit]);
        // Redis takes about a second here, more on a loaded machine.
        const [t, r] = await pair.both(['PFSELFTEST'], 30000);
        expect(t, `PFSELFTEST with hll-sparse-max-bytes ${limit}`).toBe(r);
      }
    });
  }, 300000);

  it('high registers: elements whose run reaches past bit 32 of the hash', async () => {
    await withPair(async (pair) => {
      // Many elements so that some register values above 18 occur (the upper
      // hash half), and values above 32 force sparse→dense.
      const r = rng(4242);
      const steps: Args[] = [];
      for (let round = 0; round < 60; round++) {
        const args = ['PFADD', 'big'];
        for (let j = 0; j < 5000; j++) args.push(element(r));
        steps.push(args);
      }
      steps.push(['GET', 'big'], ['PFCOUNT', 'big'], ['PFDEBUG', 'GETREG', 'big']);
      await runSteps(pair, steps, 'big');
    });
  }, 180000);
});
