/**
 * The command table in subscribed mode, against a real redis-server: every
 * command of COMMAND LIST (subcommands included) is sent, with arguments
 * enough for its arity, on a connection subscribed to a channel, a pattern
 * or a shard channel. In RESP2 Redis refuses all but (P|S)SUBSCRIBE,
 * (P|S)UNSUBSCRIBE, PING, QUIT and RESET with "Can't execute '<cmd>': only
 * ... are allowed in this context"; in RESP3 it refuses nothing for being
 * subscribed. What is compared is the class of the first reply: that
 * refusal (its text exactly) or anything else.
 *
 * Each command gets a fresh connection (HELLO, the subscription, the
 * command), so whatever a command lets through changes nothing for the next.
 */
import { expect, it } from 'vitest';
import { BLOCKING, Conn, describeWithRedis, parseReply, useServers } from './harness';

const servers = useServers();

/** Never sent: they would stop, hang or take over a server, or block the connection. */
const SKIP = new Set(['shutdown', 'debug', 'monitor', 'sync', 'psync', 'client|kill', 'client|pause', 'wait', ...[...BLOCKING].map((n) => n.toLowerCase())]);
/**
 * Also not sent in RESP3, where they would run: they write files into the
 * working directory (tredis runs in-process, its directory is the repo's) or
 * make a server a replica.
 */
const SKIP_RESP3 = new Set(['save', 'bgsave', 'bgrewriteaof', 'config|rewrite', 'acl|save', 'replicaof', 'slaveof', 'failover']);

const refusal = (fullname: string) =>
  `-ERR Can't execute '${fullname}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n`;

/**
 * "refused" (Redis's text exactly; EXEC's refusal is an EXECABORT carrying
 * it), another subscribed-mode refusal quoted, or "other" (let through, or
 * refused earlier: a container sent without a subcommand fails its arity
 * check first, MODULE its enable-module-command check).
 */
function classify(fullname: string, reply: string): string {
  const text = refusal(fullname);
  if (reply === text || (fullname === 'exec' && reply === `-EXECABORT Transaction discarded because of: ${text.slice(5)}`)) return 'refused';
  if (reply.includes("Can't execute")) return `refused with other text: ${JSON.stringify(reply)}`;
  return 'other';
}

/** What RESP2 subscribed mode lets run. */
const ALLOWED = ['ping', 'psubscribe', 'punsubscribe', 'quit', 'reset', 'ssubscribe', 'subscribe', 'sunsubscribe', 'unsubscribe'];

/** Names from COMMAND LIST, with arities from COMMAND INFO (subcommands as "container|sub"). */
async function table(port: number): Promise<{ names: string[]; arity: Map<string, number> }> {
  const c = await Conn.connect(port);
  try {
    const names = (parseReply(await c.cmd(['COMMAND', 'LIST']))[0].items ?? []).map((n) => n.body!);
    const arity = new Map<string, number>();
    for (const e of parseReply(await c.cmd(['COMMAND', 'INFO']))[0].items ?? []) {
      if (!e.items) continue;
      arity.set(e.items[0].body!, Number(e.items[1].head));
      for (const s of e.items[9]?.items ?? []) arity.set(s.items![0].body!, Number(s.items![1].head));
    }
    return { names, arity };
  } finally {
    c.close();
  }
}

type Subscription = 'SUBSCRIBE' | 'PSUBSCRIBE' | 'SSUBSCRIBE';

/** On a new connection: HELLO proto, subscribe, send args; the first reply to args. */
async function inSubscribedMode(port: number, proto: 2 | 3, sub: Subscription, args: string[]): Promise<string> {
  const c = await Conn.connect(port);
  try {
    if (proto === 3) await c.cmd(['HELLO', '3']);
    const confirmed = await c.cmd([sub, sub === 'PSUBSCRIBE' ? 'walk*' : 'walk']);
    if (!confirmed.includes(sub.toLowerCase())) throw new Error(`${sub} not confirmed: ${JSON.stringify(confirmed)}`);
    return await c.cmd(args);
  } finally {
    c.close();
  }
}

describeWithRedis('compat pub/sub: the command table in subscribed mode', () => {
  const walk = async (proto: 2 | 3, sub: Subscription) => {
    const [t, r] = await Promise.all([table(servers.tredis), table(servers.redis)]);
    const both = r.names.filter((n) => t.names.includes(n) && !SKIP.has(n) && !(proto === 3 && SKIP_RESP3.has(n))).sort();
    expect(both.length).toBeGreaterThan(250);
    const diffs: string[] = [];
    const counts = { refused: 0, other: [] as string[] };
    for (const name of both) {
      const words = name.split('|');
      const argc = Math.abs(r.arity.get(name)!);
      const args = [...words, ...Array.from({ length: Math.max(0, argc - words.length) }, () => 'x')];
      const [tr, rr] = await Promise.all([inSubscribedMode(servers.tredis, proto, sub, args), inSubscribedMode(servers.redis, proto, sub, args)]);
      const [tc, rc] = [classify(name, tr), classify(name, rr)];
      if (rc === 'refused') counts.refused++;
      else counts.other.push(name);
      if (tc !== rc) diffs.push(`${args.join(' ')}: tredis ${tc} ${JSON.stringify(tr)}, redis ${rc} ${JSON.stringify(rr)}`);
    }
    if (diffs.length) expect.fail(`${diffs.length} difference(s):\n${diffs.join('\n')}`);
    // on Redis, what is not refused is what the walk means it to be: the allowed
    // commands, containers without their subcommand, MODULE's subcommands
    const containers = new Set(both.filter((n) => both.some((m) => m.startsWith(`${n}|`))));
    const unexplained = counts.other.filter((n) => !ALLOWED.includes(n) && !containers.has(n) && !n.startsWith('module'));
    return { ...counts, unexplained };
  };

  for (const sub of ['SUBSCRIBE', 'PSUBSCRIBE', 'SSUBSCRIBE'] as const) {
    it(`RESP2 after ${sub}: refused or let through as Redis does`, async () => {
      const counts = await walk(2, sub);
      expect(counts.unexplained).toEqual([]);
      expect(counts.other).toEqual(expect.arrayContaining(ALLOWED));
      expect(counts.refused).toBeGreaterThan(200);
    }, 60_000);
  }

  it('RESP3 after SUBSCRIBE: nothing refused for being subscribed', async () => {
    const counts = await walk(3, 'SUBSCRIBE');
    expect(counts.refused).toBe(0);
    expect(counts.other.length).toBeGreaterThan(250);
  }, 60_000);
});
