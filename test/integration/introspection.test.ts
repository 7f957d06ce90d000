/**
 * COMMAND, COMMAND COUNT / INFO / DOCS / LIST / GETKEYS / GETKEYSANDFLAGS /
 * HELP. Expected bytes were taken from a real redis-server 7.0.15; the
 * listings are limited to the commands tredis registers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, Running, startTredis } from '../helpers';
import { err } from '../resp';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { Command } = require('../../dist/server/command.js');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { commandKeys } = require('../../dist/commands/introspection.js');

/** Minimal RESP2/RESP3 parser for the structure checks. */
type V = string | number | null | V[] | { map: V[] } | { set: V[] };
function parse(s: string): V {
  let p = 0;
  const line = () => {
    const e = s.indexOf('\r\n', p);
    const l = s.slice(p, e);
    p = e + 2;
    return l;
  };
  const one = (): V => {
    const l = line();
    const t = l[0];
    const rest = l.slice(1);
    switch (t) {
      case '+':
      case '-':
        return rest;
      case ':':
        return Number(rest);
      case '_':
        return null;
      case '$': {
        const n = Number(rest);
        if (n < 0) return null;
        const v = s.slice(p, p + n);
        p += n + 2;
        return v;
      }
      case '*':
      case '~':
      case '%': {
        const n = Number(rest) * (t === '%' ? 2 : 1);
        if (n < 0) return null;
        const items: V[] = [];
        for (let i = 0; i < n; i++) items.push(one());
        return t === '*' ? items : t === '~' ? { set: items } : { map: items };
      }
      default:
        throw new Error('bad reply ' + l);
    }
  };
  return one();
}

const GET_INFO_RESP2 =
  '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n';
const GET_INFO_RESP3 =
  '*1\r\n*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n';
const GET_DOCS_RESP2 =
  '*2\r\n$3\r\nget\r\n*10\r\n$7\r\nsummary\r\n$22\r\nGet the value of a key\r\n$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n';
const NO_EVICT_DOCS_RESP3 =
  '%1\r\n$15\r\nclient|no-evict\r\n%5\r\n$7\r\nsummary\r\n$51\r\nSet client eviction mode for the current connection\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$10\r\nconnection\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n%3\r\n$4\r\nname\r\n$7\r\nenabled\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$2\r\non\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nON\r\n%3\r\n$4\r\nname\r\n$3\r\noff\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nOFF\r\n';

let srv: Running;
let r: RawClient;
let r3: RawClient;

beforeAll(async () => {
  srv = await startTredis();
  r = await RawClient.connect(srv.port);
  r3 = await RawClient.connect(srv.port);
  await r3.cmd('HELLO', '3');
});

afterAll(async () => {
  r.close();
  r3.close();
  await srv.close();
});

describe('COMMAND INFO / DOCS replay Redis 7.0', () => {
  it('COMMAND INFO get, in RESP2 and RESP3', async () => {
    expect(await r.cmd('COMMAND', 'INFO', 'get')).toBe(GET_INFO_RESP2);
    expect(await r.cmd('COMMAND', 'INFO', 'GET')).toBe(GET_INFO_RESP2);
    expect(await r3.cmd('COMMAND', 'INFO', 'get')).toBe(GET_INFO_RESP3);
  });

  it('unknown commands are nil in INFO and absent from DOCS', async () => {
    expect(await r.cmd('COMMAND', 'INFO', 'get', 'nonexist')).toBe(GET_INFO_RESP2.replace('*1\r\n', '*2\r\n') + '$-1\r\n');
    expect(await r3.cmd('COMMAND', 'INFO', 'nonexist')).toBe('*1\r\n_\r\n');
    expect(await r.cmd('COMMAND', 'DOCS', 'nonexist')).toBe('*0\r\n');
    expect(await r3.cmd('COMMAND', 'DOCS', 'nonexist')).toBe('%0\r\n');
  });

  it('COMMAND DOCS: maps, flattened in RESP2; subcommands by full name', async () => {
    expect(await r.cmd('COMMAND', 'DOCS', 'get')).toBe(GET_DOCS_RESP2);
    expect(await r.cmd('COMMAND', 'DOCS', 'get', 'nonexist')).toBe(GET_DOCS_RESP2);
    expect(await r3.cmd('COMMAND', 'DOCS', 'client|no-evict')).toBe(NO_EVICT_DOCS_RESP3);
    expect(await r3.cmd('COMMAND', 'DOCS', 'CLIENT|NO-EVICT')).toBe(NO_EVICT_DOCS_RESP3);
    expect(await r.cmd('COMMAND', 'DOCS', 'client|nosuch')).toBe('*0\r\n');
    expect(await r.cmd('COMMAND', 'DOCS', 'client|list|x')).toBe('*0\r\n');
  });

  it('containers list only the registered subcommands', async () => {
    const info = parse(await r.cmd('COMMAND', 'INFO', 'client')) as V[][];
    const entry = info[0];
    expect(entry.slice(0, 7)).toEqual(['client', -2, [], 0, 0, 0, ['@slow']]);
    const subs = (entry[9] as V[][]).map((s) => s[0]).sort();
    const registered = [...srv.server.registry.lookup('client')!.subcommands!.keys()].map((n) => `client|${n}`).sort();
    expect(subs).toEqual(registered);
    expect(subs).toContain('client|list');
    // a subcommand Redis 7.0 has and the registry lacks is not listed: every CLIENT
    // subcommand is registered now (TRACKING came last), so one is taken out for the check
    const clientSubs = srv.server.registry.lookup('client')!.subcommands!;
    const tracking = clientSubs.get('tracking')!;
    clientSubs.delete('tracking');
    try {
      const without = ((parse(await r.cmd('COMMAND', 'INFO', 'client')) as V[][])[0][9] as V[][]).map((s) => s[0]);
      expect(without).toContain('client|list');
      expect(without).not.toContain('client|tracking');
    } finally {
      clientSubs.set('tracking', tracking);
    }
    // a subcommand Redis 7.0 lacks: described from its spec (Redis 7.2's values)
    expect(parse(await r.cmd('COMMAND', 'INFO', 'client|setinfo'))).toEqual([
      ['client|setinfo', 4, ['noscript', 'loading', 'stale'], 0, 0, 0, ['@slow', '@connection'], [], [], []],
    ]);
    const docs = parse(await r3.cmd('COMMAND', 'DOCS', 'client')) as { map: V[] };
    const clientDocs = (docs.map[1] as { map: V[] }).map;
    const subDocs = clientDocs[clientDocs.indexOf('subcommands') + 1] as { map: V[] };
    const names = subDocs.map.filter((_, i) => i % 2 === 0).sort();
    expect(names).toEqual(registered);
    const setinfo = subDocs.map[subDocs.map.indexOf('client|setinfo') + 1] as { map: V[] };
    expect(setinfo.map.slice(0, 8)).toEqual(['summary', 'Sets information specific to the client or connection.', 'since', '7.2.0', 'group', 'connection', 'complexity', 'O(1)']);
  });

  it('COMMAND and COMMAND INFO without names describe every command', async () => {
    const count = srv.server.registry.count;
    expect(await r.cmd('COMMAND', 'COUNT')).toBe(`:${count}\r\n`);
    const all = parse(await r.cmd('COMMAND')) as V[][];
    expect(all).toHaveLength(count);
    expect(all.map((e) => e[0]).sort()).toEqual(srv.server.registry.all().map((c) => c.name).sort());
    expect((parse(await r.cmd('COMMAND', 'INFO')) as V[]).length).toBe(count);
    const docs = parse(await r3.cmd('COMMAND', 'DOCS')) as { map: V[] };
    expect(docs.map.length).toBe(count * 2);
    expect(await r.cmd('COMMAND', 'COUNT', 'x')).toBe(err("ERR wrong number of arguments for 'command|count' command"));
  });
});

describe('COMMAND LIST', () => {
  it('lists commands and subcommands; FILTERBY PATTERN / ACLCAT / MODULE', async () => {
    const names = parse(await r.cmd('COMMAND', 'LIST')) as string[];
    expect(names).toContain('get');
    expect(names).toContain('client|list');
    expect(names).toContain('command|getkeys');
    const top = names.filter((n) => !n.includes('|'));
    expect(top.length).toBe(srv.server.registry.count);
    const client = parse(await r.cmd('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'CLIENT*')) as string[];
    expect(client[0]).toBe('client');
    expect(client.slice(1).every((n) => n.startsWith('client|'))).toBe(true);
    expect(client.length).toBe(1 + srv.server.registry.lookup('client')!.subcommands!.size);
    const conn = parse(await r.cmd('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'Connection')) as string[];
    expect(conn).toContain('client|list');
    expect(conn).toContain('ping');
    expect(conn).not.toContain('client'); // the container is only @slow
    expect(conn).not.toContain('get');
    expect(await r.cmd('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'foo')).toBe('*0\r\n');
    expect(await r.cmd('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x')).toBe('*0\r\n');
  });

  it('syntax errors', async () => {
    expect(await r.cmd('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT')).toBe(err('ERR syntax error'));
    expect(await r.cmd('COMMAND', 'LIST', 'FILTERBY', 'foo', 'bar')).toBe(err('ERR syntax error'));
    expect(await r.cmd('COMMAND', 'LIST', 'foo')).toBe(err('ERR syntax error'));
  });
});

describe('COMMAND GETKEYS / GETKEYSANDFLAGS', () => {
  it('keys and their flags', async () => {
    expect(await r.cmd('COMMAND', 'GETKEYS', 'GET', 'k')).toBe('*1\r\n$1\r\nk\r\n');
    expect(await r.cmd('COMMAND', 'GETKEYS', 'SET', 'a', 'b')).toBe('*1\r\n$1\r\na\r\n');
    expect(await r.cmd('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b')).toBe('*1\r\n*2\r\n$1\r\na\r\n*2\r\n+OW\r\n+update\r\n');
    expect(await r.cmd('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b', 'GET')).toBe(
      '*1\r\n*2\r\n$1\r\na\r\n*3\r\n+RW\r\n+access\r\n+update\r\n',
    );
    expect(await r3.cmd('COMMAND', 'GETKEYSANDFLAGS', 'set', 'a', 'b')).toBe('*1\r\n*2\r\n$1\r\na\r\n~2\r\n+OW\r\n+update\r\n');
  });

  it('errors', async () => {
    expect(await r.cmd('COMMAND', 'GETKEYS', 'get', 'a', 'b')).toBe(err('ERR Invalid number of arguments specified for command'));
    expect(await r.cmd('COMMAND', 'GETKEYS', 'foo', 'bar')).toBe(err('ERR Invalid command specified'));
    expect(await r.cmd('COMMAND', 'GETKEYS', 'client', 'foo')).toBe(err('ERR Invalid command specified'));
    expect(await r.cmd('COMMAND', 'GETKEYS', 'client', 'list')).toBe(err('ERR The command has no key arguments'));
    expect(await r.cmd('COMMAND', 'GETKEYS', 'ping', 'x')).toBe(err('ERR The command has no key arguments'));
    expect(await r.cmd('COMMAND', 'GETKEYS', 'get')).toBe(err("ERR wrong number of arguments for 'command|getkeys' command"));
  });

  /** Key extraction for commands another family may register. */
  const keys = (argv: string[], spec: Record<string, unknown> = {}) =>
    (commandKeys(new Command({ name: argv[0], handler: () => {}, ...spec }, null), argv) as { pos: number; flags: string[] }[]).map(
      (k) => [argv[k.pos], ...k.flags].join(' '),
    );

  it('key specs: index, keyword, range with limit, keynum (as Redis answers)', () => {
    expect(keys(['zunionstore', 'd', '2', 'a', 'b'])).toEqual(['d OW update', 'a RO access', 'b RO access']);
    expect(keys(['zunionstore', 'd', '3', 'a', 'b'])).toEqual([]);
    expect(keys(['zunionstore', 'd', 'x', 'a', 'b'])).toEqual([]);
    expect(keys(['eval', 's', '0'])).toEqual([]);
    expect(keys(['eval', 's', '1', 'k'])).toEqual(['k RW access update']);
    expect(keys(['xread', 'streams', 'a', 'b', '0', '0'])).toEqual(['a RO access', 'b RO access']);
    expect(keys(['xread', 'streams', 'a', 'b', '0'])).toEqual(['a RO access']);
    expect(keys(['lmove', 'a', 'b', 'left', 'right'])).toEqual(['a RW access delete', 'b RW insert']);
    expect(keys(['mset', 'a', '1', 'b', '2'])).toEqual(['a OW update', 'b OW update']);
    expect(keys(['object', 'encoding', 'k'], {})).toEqual([]); // the container has no keys
  });

  it('variable flags and incomplete specs', () => {
    expect(keys(['bitfield', 'k', 'get', 'u8', '0'])).toEqual(['k RO access']);
    expect(keys(['bitfield', 'k', 'set', 'u8', '0', '1'])).toEqual(['k RW access update']);
    // SORT's STORE key is found by the command's own extractor
    const sortKeys = (argv: string[]) => {
      const i = argv.findIndex((a) => a.toLowerCase() === 'store');
      return i > 0 ? [1, i + 1] : [1];
    };
    expect(keys(['sort', 'a', 'store', 'b'], { getKeys: sortKeys })).toEqual(['a RO access', 'b OW update']);
    expect(keys(['sort_ro', 'a', 'by', 'x'])).toEqual(['a RO access']);
    expect(keys(['migrate', 'h', 'p', 'k', '0', '1000'])).toEqual(['k RW access delete']);
  });
});

describe('COMMAND HELP', () => {
  it('matches Redis', async () => {
    expect(await r.cmd('COMMAND', 'HELP')).toBe(
      '*21\r\n+COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n' +
        '+(no subcommand)\r\n+    Return details about all Redis commands.\r\n' +
        '+COUNT\r\n+    Return the total number of commands in this Redis server.\r\n' +
        '+LIST\r\n+    Return a list of all commands in this Redis server.\r\n' +
        '+INFO [<command-name> ...]\r\n+    Return details about multiple Redis commands.\r\n' +
        '+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n' +
        '+DOCS [<command-name> ...]\r\n+    Return documentation details about multiple Redis commands.\r\n' +
        '+    If no command names are given, documentation details for all\r\n+    commands are returned.\r\n' +
        '+GETKEYS <full-command>\r\n+    Return the keys from a full Redis command.\r\n' +
        '+GETKEYSANDFLAGS <full-command>\r\n+    Return the keys and the access flags from a full Redis command.\r\n' +
        '+HELP\r\n+    Prints this help.\r\n',
    );
    expect(await r.cmd('COMMAND', 'foo')).toBe(err("ERR unknown subcommand 'foo'. Try COMMAND HELP."));
  });
});
