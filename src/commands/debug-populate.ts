/**
 * DEBUG POPULATE count [prefix] [size]: `count` string keys `<prefix>:<n>`
 * (prefix "key") holding "value:<n>", cut or zero-padded to `size` bytes
 * when given; keys that exist are left alone. As Redis 7.0, no events and
 * no dirty count: it is for filling a server for tests and benchmarks.
 */
import type { Client } from '../server/client';
import { registerDebug } from './debug-ext';

const OUT_OF_RANGE = 'ERR value is out of range, must be positive';

/** getPositiveLongFromObjectOrReply: a decimal integer >= 0, or null. */
function positive(s: string): number | null {
  if (!/^(0|[1-9][0-9]{0,17})$/.test(s)) return null;
  return Number(s);
}

function populate(c: Client, argv: string[]): void {
  const count = positive(argv[2]);
  if (count === null) return c.error(OUT_OF_RANGE);
  const prefix = argv.length > 3 ? argv[3] : 'key';
  let size = 0;
  if (argv.length > 4) {
    const s = positive(argv[4]);
    if (s === null) return c.error(OUT_OF_RANGE);
    size = s;
  }
  const db = c.db;
  for (let j = 0; j < count; j++) {
    const key = `${prefix}:${j}`;
    if (db.lookup(key) !== undefined) continue;
    const text = `value:${j}`;
    const value = size === 0 ? text : size <= text.length ? text.slice(0, size) : text + '\0'.repeat(size - text.length);
    db.setKey(key, value);
  }
  c.reply.ok();
}

registerDebug('populate', {
  argc: (n) => n >= 3 && n <= 5,
  handler: populate,
  help: ['POPULATE <count> [<prefix>] [<size>]', '    Create <count> string keys named key:<num>. If <prefix> is specified then', '    it is used instead of the "key" prefix. These are not propagated to', '    replicas. Cache master will have all keys.'],
});
