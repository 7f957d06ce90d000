/**
 * INFO counters that the differential INFO scripts cannot reach (they need a
 * connection closed by the client, or the cron's sampling over time), with
 * the values a real redis-server 7.0.15 gives for the same sequence.
 */
import { describe, expect, it } from 'vitest';
import { RawClient, sleep, useServerFixture } from '../helpers';
import { OK } from '../resp';

const fx = useServerFixture();

/** One `field:value` of INFO's text. */
async function info(section: string, field: string): Promise<string> {
  const text = await fx.r.cmd('INFO', section);
  const m = new RegExp(`\\r\\n${field}:([^\\r]*)\\r\\n`).exec(text);
  if (!m) throw new Error(`no ${field} in INFO ${section}`);
  return m[1];
}

describe('INFO stats', () => {
  it('counts the read that finds a closed connection, as Redis does (2 reads for PING then close)', async () => {
    expect(await fx.r.cmd('CONFIG', 'RESETSTAT')).toBe(OK);
    const before = Number(await info('stats', 'total_reads_processed'));
    const other = await RawClient.connect(fx.srv.port);
    expect(await other.cmd('PING')).toBe('+PONG\r\n');
    other.close();
    await sleep(100);
    // Redis 7.0.15 shows before + 3 here: PING, the end of the other stream, and this INFO's own read.
    expect(Number(await info('stats', 'total_reads_processed'))).toBe(before + 3);
  });

  it('instantaneous rates start again from zero after CONFIG RESETSTAT, never below', async () => {
    // Enough commands for the cron's samples (every 100 ms at hz 10) to see a high count...
    for (let i = 0; i < 20; i++) {
      const many = Array.from({ length: 200 }, () => '*1\r\n$4\r\nPING\r\n').join('');
      fx.r.write(many);
      await fx.r.readUntil((s) => s.split('+PONG').length - 1 >= 200, 5000);
      await sleep(15);
    }
    expect(Number(await info('stats', 'instantaneous_ops_per_sec'))).toBeGreaterThan(0);
    // ...then the counters restart at 0: a sample taken against the old count would be negative.
    expect(await fx.r.cmd('CONFIG', 'RESETSTAT')).toBe(OK);
    await sleep(350);
    expect(Number(await info('stats', 'instantaneous_ops_per_sec'))).toBeGreaterThanOrEqual(0);
    expect(Number(await info('stats', 'instantaneous_input_kbps'))).toBeGreaterThanOrEqual(0);
    expect(Number(await info('stats', 'instantaneous_output_kbps'))).toBeGreaterThanOrEqual(0);
  });

  it('FLUSHALL counts the keys it removed as changes, nothing more (Redis 7.0)', async () => {
    expect(await fx.r.cmd('FLUSHALL')).toBe(OK);
    const base = Number(await info('persistence', 'rdb_changes_since_last_save'));
    expect(await fx.r.cmd('MSET', 'a', '1', 'b', '2')).toBe(OK);
    expect(await fx.r.cmd('SELECT', '5')).toBe(OK);
    expect(await fx.r.cmd('SET', 'c', '3')).toBe(OK);
    expect(await fx.r.cmd('FLUSHALL')).toBe(OK);
    expect(Number(await info('persistence', 'rdb_changes_since_last_save'))).toBe(base + 3 + 3);
    expect(await fx.r.cmd('FLUSHALL')).toBe(OK);
    expect(Number(await info('persistence', 'rdb_changes_since_last_save'))).toBe(base + 6);
    expect(await fx.r.cmd('SELECT', '0')).toBe(OK);
  });
});
