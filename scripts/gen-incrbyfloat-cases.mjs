// Generates INCRBYFLOAT / HINCRBYFLOAT / ZADD+ZSCORE expectations from a real
// redis-server. Usage: node scripts/gen-incrbyfloat-cases.mjs [port] [seed] [n] > out.json
// Output: { incr: [[cur|null, incr, result|{error}]...], hincr: [...], zscore: [[arg, reply|{error}]...] }
import { Oracle, rng } from './oracle-client.mjs';

const port = Number(process.argv[2] ?? 7391);
const rand = rng(Number(process.argv[3] ?? 1));
const N = Number(process.argv[4] ?? 300);
const int = (a, b) => a + Math.floor(rand() * (b - a + 1));
const pick = (s) => s[Math.floor(rand() * s.length)];
const digits = (n) => { let s = ''; for (let i = 0; i < n; i++) s += String(int(0, 9)); return s; };

function numStr() {
  const sign = pick(['', '', '', '-', '+']);
  switch (int(0, 11)) {
    case 0: return sign + int(0, 100000);
    case 1: return sign + int(0, 999) + '.' + digits(int(1, 6));
    case 2: return sign + digits(int(1, 25)) + '.' + digits(int(0, 25));
    case 3: return sign + int(1, 9) + '.' + digits(int(0, 20)) + pick(['e', 'E']) + pick(['', '+', '-']) + int(0, 40);
    case 4: return sign + int(1, 9) + '.' + digits(int(0, 20)) + 'e' + pick(['', '-']) + int(300, 4960);
    case 5: return sign + String(BigInt(digits(int(15, 20))) % 9223372036854775808n);
    case 6: return sign + '0x' + digits(int(1, 4)).replace(/[0-9]/g, (d) => pick(['', d, 'a', 'F'])) + pick(['', '.8', '.Cp3', 'p-7', '.fffffffffffffffffp1']);
    case 7: return sign + (int(1, 2 ** 20) / 2 ** int(1, 30)).toString();
    case 8: return sign + '0.' + '0'.repeat(int(0, 20)) + digits(int(1, 5));
    case 9: return pick(['inf', '-inf', 'nan', '1e', '.', '', ' 1', '1 ', '1e5000', '1e-5000', '0x', 'abc', '1.5.5', '--1', '1e+', 'Infinity', '+.5', '5.', '0e1000', '-0', '1_0', '0x1p-16446', '1\t']);
    case 10: return sign + '0.' + digits(int(10, 19)) + '5';
    default: return sign + int(0, 99) + '.' + digits(int(0, 3)) + 'e' + int(-25, 25);
  }
}

const o = new Oracle(port);
await o.connect();
// skiplist encoding: ZSCORE then shows the raw %.17g of the parsed double
// (a listpack stores "-0" as the integer 0).
await o.cmd('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
const incr = [];
const hincr = [];
const zscore = [];
let chainCur = null;
for (let i = 0; i < N; i++) {
  // Current value: absent, random, or the previous result (chained usage).
  const r = rand();
  const cur = r < 0.15 ? null : r < 0.45 && chainCur !== null ? chainCur : numStr();
  const inc = numStr();
  await o.cmd('DEL', 'k');
  if (cur !== null) await o.cmd('SET', 'k', cur);
  const res = await o.cmd('INCRBYFLOAT', 'k', inc);
  incr.push([cur, inc, res]);
  if (typeof res === 'string') chainCur = res;
  await o.cmd('DEL', 'h');
  if (cur !== null) await o.cmd('HSET', 'h', 'f', cur);
  hincr.push([cur, inc, await o.cmd('HINCRBYFLOAT', 'h', 'f', inc)]);
  await o.cmd('DEL', 'z');
  const za = await o.cmd('ZADD', 'z', inc, 'm');
  zscore.push([inc, typeof za === 'number' ? await o.cmd('ZSCORE', 'z', 'm') : za]);
}
await o.cmd('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
o.close();
process.stdout.write(JSON.stringify({ incr, hincr, zscore }));
