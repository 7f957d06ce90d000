// Dumps Redis 7.0's own command metadata (COMMAND INFO and COMMAND DOCS, in
// RESP3 so that maps/sets keep their types) from a running redis-server into
// src/commands/meta/redis-commands.json. Usage: node scripts/gen-command-meta.mjs PORT
import net from 'node:net';
import fs from 'node:fs';

const port = +(process.argv[2] || 6379);
const sock = net.connect(port, '127.0.0.1');
let buf = Buffer.alloc(0);
const waiters = [];
sock.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  for (;;) {
    const r = parse(buf, 0);
    if (!r) break;
    buf = buf.subarray(r.end);
    waiters.shift()(r.value);
  }
});
function send(...args) {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  sock.write(s);
  return new Promise((res) => waiters.push(res));
}
// Typed tree: {t: 'map'|'array'|'set'|'bulk'|'simple'|'int'|'null'|'err', v}
function parse(b, p) {
  const nl = b.indexOf('\r\n', p);
  if (nl < 0) return null;
  const type = String.fromCharCode(b[p]);
  const line = b.toString('latin1', p + 1, nl);
  let q = nl + 2;
  switch (type) {
    case '+': return { value: { t: 'simple', v: line }, end: q };
    case '-': return { value: { t: 'err', v: line }, end: q };
    case ':': return { value: { t: 'int', v: Number(line) }, end: q };
    case '_': return { value: { t: 'null' }, end: q };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: { t: 'null' }, end: q };
      if (b.length < q + n + 2) return null;
      return { value: { t: 'bulk', v: b.toString('latin1', q, q + n) }, end: q + n + 2 };
    }
    case '*': case '~': case '%': {
      const n = Number(line) * (type === '%' ? 2 : 1);
      const items = [];
      for (let i = 0; i < n; i++) {
        const r = parse(b, q);
        if (!r) return null;
        items.push(r.value);
        q = r.end;
      }
      return { value: { t: type === '*' ? 'array' : type === '~' ? 'set' : 'map', v: items }, end: q };
    }
    default: throw new Error('unexpected ' + type);
  }
}
await send('HELLO', '3');
const list = (await send('COMMAND', 'LIST')).v.map((x) => x.v).sort();
const out = {};
for (const name of list) {
  const info = (await send('COMMAND', 'INFO', name)).v[0];
  const docs = (await send('COMMAND', 'DOCS', name)).v;
  out[name] = { info, docs: docs[1] };
}
fs.writeFileSync(new URL('../src/commands/meta/redis-commands.json', import.meta.url), JSON.stringify(out));
console.log(`${list.length} commands`);
sock.end();
