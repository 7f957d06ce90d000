// Generates glob expectations from a real redis-server via KEYS.
// Usage: node scripts/gen-glob-cases.mjs [port] [seed] [npatterns] > out.json
import { Oracle, rng } from './oracle-client.mjs';

const port = Number(process.argv[2] ?? 7391);
const rand = rng(Number(process.argv[3] ?? 1));
const NPAT = Number(process.argv[4] ?? 400);
const pick = (s) => s[Math.floor(rand() * s.length)];

const keyAlpha = ['a', 'b', 'c', 'A', 'B', '-', ']', '[', '\\', '^', '*', '?', 'z', '\x80', '\xe9', '\xff', '\x00', '0'];
const keys = new Set(['']);
while (keys.size < 120) {
  const len = Math.floor(rand() * 6);
  let k = '';
  for (let i = 0; i < len; i++) k += pick(keyAlpha);
  keys.add(k);
}
const tokens = ['*', '*', '**', '?', 'a', 'b', 'A', 'c', '\\', '\\*', '\\[', '\\a', '[', ']', '^', '-', 'z',
  '[ab]', '[^a]', '[a-c]', '[c-a]', '[^a-b]', '[\\]]', '[a\\-z]', '[-a]', '[a-]', '[]a]', '[^]', '[\x80-\xff]',
  '[\xff-a]', '[a-\xe9]', '\xe9', '\x80', '[\\', '[a', '[^', '[a-', '\x00', '[A-Z]', '[Z-a]', '0'];
const o = new Oracle(port);
await o.connect();
await o.cmd('FLUSHALL');
const keyList = [...keys];
for (const k of keyList) await o.cmd('SET', k, '1');
const cases = [];
const seen = new Set();
while (cases.length < NPAT) {
  const n = 1 + Math.floor(rand() * 5);
  let p = '';
  for (let i = 0; i < n; i++) p += pick(tokens);
  if (p === '*' || seen.has(p)) continue;
  seen.add(p);
  const res = await o.cmd('KEYS', p);
  const idx = res.map((k) => keyList.indexOf(k)).sort((a, b) => a - b);
  cases.push([p, idx]);
}
o.close();
process.stdout.write(JSON.stringify({ keys: keyList, cases }));
