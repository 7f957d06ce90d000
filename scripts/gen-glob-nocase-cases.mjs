// Generates nocase glob expectations from a real redis-server via
// COMMAND LIST FILTERBY PATTERN (stringmatchlen with nocase=1).
// Usage: node scripts/gen-glob-nocase-cases.mjs [seed] > out.json
import { Oracle, rng } from './oracle-client.mjs';
const rand = rng(Number(process.argv[2] ?? 7));
const pick = (s) => s[Math.floor(rand() * s.length)];
const o = new Oracle(7391); await o.connect();
const names = await o.cmd('COMMAND', 'LIST');
const tokens = ['*', '*', '*', '*', '?', 'a', 'E', 'S', 'T', 'g', 'x', '|', '[a-F]', '[A-f]', '[F-a]', '[Z-a]', '[^E]', '[eE]', '[\\E]', '[\\e]', '\\E', '\\e', '[s-S]', '[A-Z]', '[a-z]', '[`-Z]', '[_-b]', 'R', 'L', 'CONFIG', 'Set', '[L-N]'];
const cases = []; const seen = new Set();
while (cases.length < 1500) {
  let p = ''; const n = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < n; i++) p += pick(tokens);
  if (seen.has(p)) continue; seen.add(p);
  const res = await o.cmd('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', p);
  cases.push([p, res.map((k) => names.indexOf(k)).sort((a, b) => a - b)]);
}
o.close();
process.stdout.write(JSON.stringify({ keys: names, cases }));
