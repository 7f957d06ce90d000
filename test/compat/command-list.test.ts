/**
 * COMMAND LIST of tredis against a real Redis 7.0.15: every command Redis
 * has is in tredis, except the ones listed below, each with the open issue
 * that brings it. The test fails when tredis lacks a command not listed, and
 * when a listed command has arrived (remove it from the list): the list only
 * shrinks. Commands tredis has beyond Redis 7.0.15 are listed too.
 */
import { expect, it } from 'vitest';
import { Conn, describeWithRedis, parseReply, useServers } from './harness';

/** Where a missing command comes from: an open issue, or a mode no issue covers yet. */
type Source = 11 | 12 | 13 | 14 | 15 | 'cluster (no open issue)';

const group = (source: Source, names: string[]): [string, Source][] => names.map((n) => [n, source]);

const NOT_YET: Map<string, Source> = new Map([
  // #14 ACL
  ...group(14, ['acl', 'acl|cat', 'acl|deluser', 'acl|dryrun', 'acl|genpass', 'acl|getuser', 'acl|help', 'acl|list', 'acl|load', 'acl|log', 'acl|save', 'acl|setuser', 'acl|users', 'acl|whoami']),
  // #15 replication
  ...group(15, ['replicaof', 'slaveof', 'role', 'wait', 'failover', 'psync', 'sync', 'replconf']),
  // cluster mode
  ...group('cluster (no open issue)', ['asking', 'readonly', 'readwrite', 'restore-asking']),
  ...group('cluster (no open issue)', [
    'cluster', 'cluster|addslots', 'cluster|addslotsrange', 'cluster|bumpepoch', 'cluster|count-failure-reports', 'cluster|countkeysinslot',
    'cluster|delslots', 'cluster|delslotsrange', 'cluster|failover', 'cluster|flushslots', 'cluster|forget', 'cluster|getkeysinslot',
    'cluster|help', 'cluster|info', 'cluster|keyslot', 'cluster|links', 'cluster|meet', 'cluster|myid', 'cluster|nodes', 'cluster|replicas',
    'cluster|replicate', 'cluster|reset', 'cluster|saveconfig', 'cluster|set-config-epoch', 'cluster|setslot', 'cluster|shards', 'cluster|slaves', 'cluster|slots',
  ]),
]);

/** tredis's commands that Redis 7.0.15 lacks, and why. */
const BEYOND_REDIS: Map<string, string> = new Map([['client|setinfo', 'Redis 7.2: clients such as redis-py and node-redis send it on connect']]);

async function commandList(port: number): Promise<string[]> {
  const c = await Conn.connect(port);
  try {
    const [reply] = parseReply(await c.cmd(['COMMAND', 'LIST']));
    expect(reply.t).toBe('*');
    return reply.items!.map((n) => n.body!).sort();
  } finally {
    c.close();
  }
}

describeWithRedis('COMMAND LIST against Redis 7.0.15', () => {
  const servers = useServers();

  it('tredis has every Redis command except the listed ones, and none of the listed ones', async () => {
    const [mine, redis] = await Promise.all([commandList(servers.tredis), commandList(servers.redis)]);
    const have = new Set(mine);
    const redisHas = new Set(redis);
    const missingUnlisted = redis.filter((n) => !have.has(n) && !NOT_YET.has(n));
    const arrived = [...NOT_YET.keys()].filter((n) => have.has(n)).map((n) => `${n} (issue ${NOT_YET.get(n)})`);
    const notInRedis = [...NOT_YET.keys()].filter((n) => !redisHas.has(n));
    expect(missingUnlisted, 'Redis commands tredis lacks that the list does not name').toEqual([]);
    expect(arrived, 'listed as missing but now in tredis: remove them from NOT_YET').toEqual([]);
    expect(notInRedis, 'listed as missing but Redis 7.0.15 has no such command').toEqual([]);
  });

  it('tredis has no command Redis 7.0.15 lacks, except the listed ones', async () => {
    const [mine, redis] = await Promise.all([commandList(servers.tredis), commandList(servers.redis)]);
    const redisHas = new Set(redis);
    expect(mine.filter((n) => !redisHas.has(n)).sort()).toEqual([...BEYOND_REDIS.keys()].sort());
  });
});
