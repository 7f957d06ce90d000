/**
 * CLIENT LIST / INFO / ID / SETNAME / GETNAME / KILL / PAUSE / UNPAUSE /
 * REPLY / NO-EVICT / SETINFO / HELP. Expected replies were taken from a real
 * redis-server 7.0.15 (SETINFO from 7.2, which 7.0 lacks).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, Running, startTredis } from '../helpers';
import { NIL, OK, bulk, err, int } from '../resp';


/** The payload of a bulk (RESP2) or verbatim (RESP3) string reply. */
function text(reply: string): string {
  if (reply[0] === '=') return reply.slice(reply.indexOf('\r\n') + 2 + 4, -2);
  expect(reply[0]).toBe('$');
  return reply.slice(reply.indexOf('\r\n') + 2, -2);
}

function num(reply: string): number {
  expect(reply[0]).toBe(':');
  return Number(reply.slice(1, -2));
}

/** CLIENT LIST line as a field map, checking Redis 7.0's field order. */
const FIELDS = [
  'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi', 'qbuf',
  'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user',
  'redir', 'resp',
];
function parseLine(line: string): Record<string, string> {
  const parts = line.split(' ');
  expect(parts.map((p) => p.slice(0, p.indexOf('=')))).toEqual(FIELDS);
  const out: Record<string, string> = {};
  for (const p of parts) out[p.slice(0, p.indexOf('='))] = p.slice(p.indexOf('=') + 1);
  return out;
}

let srv: Running;
let r: RawClient;

beforeAll(async () => {
  srv = await startTredis();
  r = await RawClient.connect(srv.port);
});

afterAll(async () => {
  r.close();
  await srv.close();
});

describe('CLIENT ID / INFO / LIST', () => {
  it('CLIENT INFO describes the caller with every field in order', async () => {
    const id = num(await r.cmd('CLIENT', 'ID'));
    const body = text(await r.cmd('CLIENT', 'INFO'));
    expect(body.endsWith('\n')).toBe(true);
    const f = parseLine(body.slice(0, -1));
    expect(Number(f.id)).toBe(id);
    expect(f.addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(f.laddr).toBe(`127.0.0.1:${srv.port}`);
    expect(f).toMatchObject({
      name: '', age: '0', idle: '0', flags: 'N', db: '0', sub: '0', psub: '0', ssub: '0', multi: '-1',
      // "CLIENT INFO" is 26 bytes of RESP, still in the query buffer, 10 bytes of argv
      qbuf: '26', 'argv-mem': '10', 'multi-mem': '0', obl: '0', oll: '0', omem: '0',
      events: 'r', cmd: 'client|info', user: 'default', redir: '-1', resp: '2',
    });
    for (const k of ['fd', 'qbuf-free', 'rbs', 'rbp', 'tot-mem']) expect(f[k]).toMatch(/^\d+$/);
  });

  it('CLIENT LIST lists every connection, one line each', async () => {
    const other = await RawClient.connect(srv.port);
    await other.cmd('CLIENT', 'SETNAME', 'other');
    await other.cmd('SELECT', '3');
    const lines = text(await r.cmd('CLIENT', 'LIST')).split('\n');
    expect(lines.pop()).toBe('');
    const rows = lines.map(parseLine);
    const o = rows.find((x) => x.name === 'other')!;
    expect(o).toMatchObject({ db: '3', cmd: 'select', qbuf: '0', 'argv-mem': '0' });
    expect(rows.find((x) => x.cmd === 'client|list')).toBeTruthy();
    other.close();
  });

  it('CLIENT LIST TYPE and ID filter, with Redis errors', async () => {
    const id = num(await r.cmd('CLIENT', 'ID'));
    const normal = text(await r.cmd('CLIENT', 'LIST', 'TYPE', 'normal'));
    expect(normal).toContain(`id=${id} `);
    expect(await r.cmd('CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('$0\r\n\r\n');
    expect(await r.cmd('CLIENT', 'LIST', 'TYPE', 'master')).toBe('$0\r\n\r\n');
    expect(await r.cmd('CLIENT', 'LIST', 'TYPE', 'replica')).toBe('$0\r\n\r\n');
    expect(await r.cmd('CLIENT', 'LIST', 'TYPE', 'foo')).toBe(err("ERR Unknown client type 'foo'"));
    const byId = text(await r.cmd('CLIENT', 'LIST', 'ID', String(id), '99999', String(id)));
    expect(byId.split('\n').filter(Boolean)).toHaveLength(2); // duplicates print twice
    expect(await r.cmd('CLIENT', 'LIST', 'ID', '1000000', '0', '-1')).toBe('$0\r\n\r\n');
    expect(await r.cmd('CLIENT', 'LIST', 'ID', 'abc')).toBe(err('ERR Invalid client ID'));
    expect(await r.cmd('CLIENT', 'LIST', 'ID', '1', 'TYPE', 'normal')).toBe(err('ERR Invalid client ID'));
    expect(await r.cmd('CLIENT', 'LIST', 'foo')).toBe(err('ERR syntax error'));
    expect(await r.cmd('CLIENT', 'LIST', 'TYPE')).toBe(err('ERR syntax error'));
    expect(await r.cmd('CLIENT', 'LIST', 'ID')).toBe(err('ERR syntax error'));
    expect(await r.cmd('CLIENT', 'LIST', 'TYPE', 'normal', 'TYPE', 'pubsub')).toBe(err('ERR syntax error'));
    expect(await r.cmd('CLIENT', 'ID', 'x')).toBe(err("ERR wrong number of arguments for 'client|id' command"));
    expect(await r.cmd('CLIENT', 'INFO', 'x')).toBe(err("ERR wrong number of arguments for 'client|info' command"));
  });

  it('CLIENT INFO / LIST are verbatim strings in RESP3', async () => {
    const c = await RawClient.connect(srv.port);
    await c.cmd('HELLO', '3');
    const reply = await c.cmd('CLIENT', 'INFO');
    expect(reply).toMatch(/^=\d+\r\ntxt:id=\d+ .* resp=3\n\r\n$/);
    const n = Number(reply.slice(1, reply.indexOf('\r\n')));
    expect(n).toBe(reply.length - reply.indexOf('\r\n') - 4);
    expect(await c.cmd('CLIENT', 'LIST', 'TYPE', 'pubsub')).toBe('=4\r\ntxt:\r\n');
    c.close();
  });

  it('flags: e for NO-EVICT, U for unix sockets, O for MONITOR', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.cmd('CLIENT', 'NO-EVICT', 'on')).toBe(OK);
    expect(parseLine(text(await c.cmd('CLIENT', 'INFO')).trim()).flags).toBe('e');
    expect(await c.cmd('CLIENT', 'NO-EVICT', 'OFF')).toBe(OK);
    expect(parseLine(text(await c.cmd('CLIENT', 'INFO')).trim()).flags).toBe('N');
    expect(await c.cmd('CLIENT', 'NO-EVICT', 'maybe')).toBe(err('ERR syntax error'));
    expect(await c.cmd('CLIENT', 'NO-EVICT')).toBe(err("ERR wrong number of arguments for 'client|no-evict' command"));
    const cid = num(await c.cmd('CLIENT', 'ID'));
    expect(await c.cmd('MONITOR')).toBe(OK);
    const line = text(await r.cmd('CLIENT', 'LIST', 'ID', String(cid))).trim();
    expect(parseLine(line)).toMatchObject({ flags: 'O', cmd: 'monitor' });
    // a monitor is a normal client for TYPE filters
    expect(text(await r.cmd('CLIENT', 'LIST', 'TYPE', 'normal'))).toContain(`id=${cid} `);
    c.close();
  });
});

describe('CLIENT SETNAME / GETNAME / SETINFO', () => {
  it('names are printable ASCII without spaces; empty removes the name', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.cmd('CLIENT', 'GETNAME')).toBe(NIL);
    expect(await c.cmd('CLIENT', 'SETNAME', 'abc')).toBe(OK);
    expect(await c.cmd('CLIENT', 'GETNAME')).toBe(bulk('abc'));
    expect(parseLine(text(await c.cmd('CLIENT', 'INFO')).trim()).name).toBe('abc');
    const bad = err('ERR Client names cannot contain spaces, newlines or special characters.');
    expect(await c.cmd('CLIENT', 'SETNAME', 'a b')).toBe(bad);
    expect(await c.cmd('CLIENT', 'SETNAME', 'a\nb')).toBe(bad);
    expect(await c.cmd('CLIENT', 'SETNAME', 'h\xe9llo')).toBe(bad);
    expect(await c.cmd('CLIENT', 'SETNAME', '\x7f')).toBe(bad);
    expect(await c.cmd('CLIENT', 'SETNAME', '!~')).toBe(OK);
    expect(await c.cmd('CLIENT', 'SETNAME', '')).toBe(OK);
    expect(await c.cmd('CLIENT', 'GETNAME')).toBe(NIL);
    expect(await c.cmd('CLIENT', 'SETNAME')).toBe(err("ERR wrong number of arguments for 'client|setname' command"));
    c.close();
  });

  it('CLIENT SETINFO (Redis 7.2 semantics)', async () => {
    const c = await RawClient.connect(srv.port);
    expect(await c.cmd('CLIENT', 'SETINFO', 'LIB-NAME', 'ioredis')).toBe(OK);
    expect(await c.cmd('CLIENT', 'SETINFO', 'lib-ver', '5.0.0')).toBe(OK);
    const cl = [...srv.server.clients.values()].find((x) => x.libName === 'ioredis')!;
    expect(cl.libVer).toBe('5.0.0');
    expect(await c.cmd('CLIENT', 'SETINFO', 'lib-name', 'a b')).toBe(
      err('ERR lib-name cannot contain spaces, newlines or special characters.'),
    );
    expect(await c.cmd('CLIENT', 'SETINFO', 'foo', 'x')).toBe(err("ERR Unrecognized option 'foo'"));
    expect(await c.cmd('CLIENT', 'SETINFO', 'lib-name')).toBe(err("ERR wrong number of arguments for 'client|setinfo' command"));
    c.close();
  });
});

describe('CLIENT KILL', () => {
  it('old form: ip:port, OK or "No such client"', async () => {
    const victim = await RawClient.connect(srv.port);
    const addr = parseLine(text(await victim.cmd('CLIENT', 'INFO')).trim()).addr;
    expect(await r.cmd('CLIENT', 'KILL', '1.2.3.4:5')).toBe(err('ERR No such client'));
    expect(await r.cmd('CLIENT', 'KILL', 'id')).toBe(err('ERR No such client'));
    expect(await r.cmd('CLIENT', 'KILL', addr)).toBe(OK);
    expect(await victim.waitClose()).toBe(true);
  });

  it('the old form can kill the caller, after its reply', async () => {
    const c = await RawClient.connect(srv.port);
    const addr = parseLine(text(await c.cmd('CLIENT', 'INFO')).trim()).addr;
    expect(await c.cmd('CLIENT', 'KILL', addr)).toBe(OK);
    expect(await c.waitClose()).toBe(true);
  });

  it('filters: ID, TYPE, ADDR, LADDR, USER, SKIPME', async () => {
    const a = await RawClient.connect(srv.port);
    const aid = num(await a.cmd('CLIENT', 'ID'));
    expect(await r.cmd('CLIENT', 'KILL', 'ID', '999999')).toBe(int(0));
    expect(await r.cmd('CLIENT', 'KILL', 'ID', String(aid))).toBe(int(1));
    expect(await a.waitClose()).toBe(true);

    const b = await RawClient.connect(srv.port);
    const baddr = parseLine(text(await b.cmd('CLIENT', 'INFO')).trim()).addr;
    expect(await r.cmd('CLIENT', 'KILL', 'ADDR', baddr, 'LADDR', 'nowhere:1')).toBe(int(0));
    expect(await r.cmd('CLIENT', 'KILL', 'addr', baddr, 'laddr', `127.0.0.1:${srv.port}`, 'user', 'default')).toBe(int(1));
    expect(await b.waitClose()).toBe(true);

    const c1 = await RawClient.connect(srv.port);
    const c2 = await RawClient.connect(srv.port);
    await c1.cmd('PING');
    await c2.cmd('PING');
    // SKIPME yes (default): everyone but the caller
    expect(await r.cmd('CLIENT', 'KILL', 'TYPE', 'normal')).toBe(int(2));
    expect(await c1.waitClose()).toBe(true);
    expect(await c2.waitClose()).toBe(true);
    expect(await r.cmd('CLIENT', 'KILL', 'TYPE', 'pubsub')).toBe(int(0));
    expect(await r.cmd('CLIENT', 'KILL', 'TYPE', 'master')).toBe(int(0));
    expect(await r.cmd('CLIENT', 'KILL', 'TYPE', 'slave')).toBe(int(0));
    expect(await r.cmd('CLIENT', 'KILL', 'TYPE', 'replica')).toBe(int(0));
  });

  it('SKIPME no kills the caller too, after the reply', async () => {
    const c = await RawClient.connect(srv.port);
    const id = num(await c.cmd('CLIENT', 'ID'));
    expect(await c.cmd('CLIENT', 'KILL', 'ID', String(id), 'SKIPME', 'no')).toBe(int(1));
    expect(await c.waitClose()).toBe(true);
    const d = await RawClient.connect(srv.port);
    const did = num(await d.cmd('CLIENT', 'ID'));
    expect(await d.cmd('CLIENT', 'KILL', 'ID', String(did), 'SKIPME', 'yes')).toBe(int(0));
    d.close();
  });

  it('errors', async () => {
    expect(await r.cmd('CLIENT', 'KILL', 'ID', 'abc')).toBe(err('ERR client-id should be greater than 0'));
    expect(await r.cmd('CLIENT', 'KILL', 'ID', '0')).toBe(err('ERR client-id should be greater than 0'));
    expect(await r.cmd('CLIENT', 'KILL', 'TYPE', 'foo')).toBe(err("ERR Unknown client type 'foo'"));
    expect(await r.cmd('CLIENT', 'KILL', 'foo', 'bar')).toBe(err('ERR syntax error'));
    expect(await r.cmd('CLIENT', 'KILL', 'SKIPME', 'maybe')).toBe(err('ERR syntax error'));
    expect(await r.cmd('CLIENT', 'KILL', 'MAXAGE', '1')).toBe(err('ERR syntax error'));
    expect(await r.cmd('CLIENT', 'KILL', 'ID', '5', 'TYPE')).toBe(err('ERR syntax error'));
    expect(await r.cmd('CLIENT', 'KILL', 'USER', 'nouser')).toBe(err("ERR No such user 'nouser'"));
    expect(await r.cmd('CLIENT', 'KILL')).toBe(err("ERR wrong number of arguments for 'client|kill' command"));
  });
});

describe('CLIENT PAUSE / UNPAUSE', () => {
  it('WRITE holds writes only, until UNPAUSE', async () => {
    const w = await RawClient.connect(srv.port);
    expect(await r.cmd('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe(OK);
    expect(await w.cmd('GET', 'k')).toBe(NIL);
    w.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    expect(await w.read(1, 200)).toBe('');
    expect(await r.cmd('CLIENT', 'UNPAUSE')).toBe(OK);
    expect(await w.read(5)).toBe(OK);
    expect(await w.cmd('GET', 'k')).toBe(bulk('v'));
    w.close();
  });

  it('ALL (the default) holds every command until the timeout', async () => {
    const w = await RawClient.connect(srv.port);
    const t0 = Date.now();
    expect(await r.cmd('CLIENT', 'PAUSE', '300')).toBe(OK);
    expect(await w.cmd('PING')).toBe('+PONG\r\n');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    w.close();
  });

  it('a WRITE pause widens to ALL, which holds every command, CLIENT UNPAUSE too', async () => {
    const w = await RawClient.connect(srv.port);
    expect(await r.cmd('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe(OK);
    expect(await r.cmd('CLIENT', 'PAUSE', '100000', 'ALL')).toBe(OK);
    expect(srv.server.pause.all).toBe(true);
    w.write('*1\r\n$4\r\nPING\r\n');
    r.write('*2\r\n$6\r\nCLIENT\r\n$7\r\nUNPAUSE\r\n');
    expect(await w.read(1, 150)).toBe('');
    expect(await r.read(1, 10)).toBe('');
    srv.server.unpauseClients(); // as the pause deadline would
    expect(await w.read(7)).toBe('+PONG\r\n');
    expect(await r.read(5)).toBe(OK);
    w.close();
  });

  it('errors, and a timeout so large it wraps pauses nothing (like 7.0)', async () => {
    expect(await r.cmd('CLIENT', 'PAUSE')).toBe(err("ERR wrong number of arguments for 'client|pause' command"));
    expect(await r.cmd('CLIENT', 'PAUSE', 'abc')).toBe(err('ERR timeout is not an integer or out of range'));
    expect(await r.cmd('CLIENT', 'PAUSE', '-1')).toBe(err('ERR timeout is negative'));
    expect(await r.cmd('CLIENT', 'PAUSE', '10', 'foo')).toBe(err('ERR CLIENT PAUSE mode must be WRITE or ALL'));
    expect(await r.cmd('CLIENT', 'PAUSE', 'abc', 'foo')).toBe(err('ERR CLIENT PAUSE mode must be WRITE or ALL'));
    expect(await r.cmd('CLIENT', 'PAUSE', '10', 'WRITE', 'extra')).toBe(
      err("ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP."),
    );
    expect(await r.cmd('CLIENT', 'PAUSE', '9223372036854775807')).toBe(OK);
    expect(await r.cmd('CLIENT', 'PAUSE', '0')).toBe(OK);
    expect(await r.cmd('PING')).toBe('+PONG\r\n');
    expect(await r.cmd('CLIENT', 'UNPAUSE', 'x')).toBe(err("ERR wrong number of arguments for 'client|unpause' command"));
  });
});

describe('CLIENT REPLY', () => {
  it('OFF silences, SKIP drops the next reply, ON replies OK', async () => {
    const c = await RawClient.connect(srv.port);
    c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\n');
    c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n');
    expect(await c.read(5)).toBe(OK);
    c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n*2\r\n$4\r\nECHO\r\n$1\r\nc\r\n');
    expect(await c.read(7)).toBe(bulk('c'));
    // SKIP while OFF stays OFF
    c.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n');
    c.write('*2\r\n$4\r\nECHO\r\n$1\r\nd\r\n*2\r\n$4\r\nECHO\r\n$1\r\ne\r\n');
    expect(await c.read(1, 150)).toBe('');
    expect(await c.cmd('CLIENT', 'REPLY', 'ON')).toBe(OK);
    expect(await c.cmd('CLIENT', 'REPLY', 'foo')).toBe(err('ERR syntax error'));
    c.close();
  });
});

describe('CLIENT REPLY SKIP with a rejected command', () => {
  it('drops only the rejected command\'s error, not earlier pipelined replies', async () => {
    const c = await RawClient.connect(srv.port);
    c.write('*2\r\n$4\r\nECHO\r\n$1\r\na\r\n*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n');
    c.write('*1\r\n$6\r\nNOSUCH\r\n*2\r\n$4\r\nECHO\r\n$1\r\nb\r\n');
    expect(await c.readUntil((s) => s.endsWith(bulk('b')))).toBe(bulk('a') + bulk('b'));
    c.close();
  });
});

describe('CLIENT HELP and unknown subcommands', () => {
  it('HELP lists the subcommands like Redis (plus 7.2 SETINFO)', async () => {
    const reply = await r.cmd('CLIENT', 'HELP');
    expect(reply.startsWith('*52\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CACHING (YES|NO)\r\n')).toBe(true);
    expect(reply).toContain('+SETINFO <option> <value>\r\n+    Set client meta attr. Options are:\r\n');
    expect(reply.endsWith('+NO-EVICT (ON|OFF)\r\n+    Protect current client connection from eviction.\r\n+HELP\r\n+    Prints this help.\r\n')).toBe(true);
    expect(await r.cmd('client', 'help')).toMatch(/^\*52\r\n\+CLIENT <subcommand>/);
  });

  it('unknown subcommand', async () => {
    expect(await r.cmd('CLIENT', 'foo')).toBe(err("ERR unknown subcommand 'foo'. Try CLIENT HELP."));
  });
});
