// Generates sdssplitargs expectations from a real redis-server by sending
// inline commands "RPUSH k x <line>" and reading the list back.
// Usage: node scripts/gen-splitargs-cases.mjs [port] [seed] [n] > out.json
import { Oracle, rng } from './oracle-client.mjs';

const port = Number(process.argv[2] ?? 7391);
const rand = rng(Number(process.argv[3] ?? 1));
const N = Number(process.argv[4] ?? 300);
const pick = (s) => s[Math.floor(rand() * s.length)];
const tokens = ['a', 'b', 'x', 'n', '4', 'f', 'G', ' ', ' ', '  ', '\t', '\v', '\f', '\r', '"', '"', "'", "'", '\\',
  '\\x41', '\\x4', '\\xg1', '\\xFf', '\\x', '\\"', "\\'", '\\\\', '\\n', '\\r', '\\t', '\\b', '\\a', '\\z', '\\0',
  '\xe9', '\x01', '""', "''", '"a b"', "'a b'"];

export async function run() {
  let o = new Oracle(port);
  await o.connect();
  const cases = [];
  const seen = new Set();
  while (cases.length < N) {
    let line = '';
    const n = 1 + Math.floor(rand() * 7);
    for (let i = 0; i < n; i++) line += pick(tokens);
    if (seen.has(line)) continue;
    seen.add(line);
    const r = await o.raw('RPUSH k x ' + line + '\r\n');
    if (r && typeof r === 'object' && r.error) {
      if (!/unbalanced/.test(r.error)) throw new Error(r.error);
      cases.push([line, null]);
      o.close();
      o = new Oracle(port);
      await o.connect();
      continue;
    }
    const items = await o.cmd('LRANGE', 'k', '1', '-1');
    await o.cmd('DEL', 'k');
    cases.push([line, items]);
  }
  o.close();
  return cases;
}
process.stdout.write(JSON.stringify(await run()));
