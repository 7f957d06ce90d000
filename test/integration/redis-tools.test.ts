/**
 * Real Redis tools against tredis: redis-cli (commands, help from COMMAND
 * DOCS) and redis-benchmark completing the core tests with no errors.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync, execFile } from 'node:child_process';
import { startTredis, Running } from '../helpers';

const hasTools = spawnSync('redis-cli', ['--version']).status === 0 && spawnSync('redis-benchmark', ['--version']).status === 0;

// Needs Debian's redis-tools on PATH (CI installs them); without them the
// block is skipped and its name says why.
describe.skipIf(!hasTools)(`redis tools${hasTools ? '' : ' (skipped: redis-cli and redis-benchmark not found on PATH)'}`, () => {
  let srv: Running;
  beforeAll(async () => {
    srv = await startTredis();
  });
  afterAll(async () => {
    await srv.close();
  });

  // The server runs in this process: child tools must be awaited, never spawnSync'd.
  const run = (cmd: string, args: string[], timeout = 20_000) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(cmd, args, { encoding: 'utf8', timeout }, (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? null) : 0;
        resolve({ status: typeof code === 'number' ? code : null, stdout, stderr });
      });
    });
  const cli = (...args: string[]) => run('redis-cli', ['-p', String(srv.port), ...args]);

  it('redis-cli runs commands', async () => {
    expect((await cli('SET', 'k', 'v')).stdout).toBe('OK\n');
    expect((await cli('GET', 'k')).stdout).toBe('v\n');
    expect((await cli('INCR', 'n')).stdout).toBe('1\n');
    expect((await cli('--no-raw', 'GET', 'missing')).stdout).toBe('(nil)\n');
  });

  it('redis-cli help reads COMMAND DOCS', async () => {
    // strip the terminal colours redis-cli puts around help fields
    const out = (await cli('help', 'set')).stdout.replace(/\x1b\[[0-9;]*m/g, '');
    expect(out).toContain('SET');
    expect(out).toContain('key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-milliseconds|KEEPTTL]');
    expect(out).toContain('summary: Set the string value of a key');
    expect(out).toContain('group: string');
  });

  it('redis-benchmark -t ping,set,get,incr,mset completes without errors', async () => {
    for (const p of ['1', '16']) {
      const r = await run(
        'redis-benchmark',
        ['-p', String(srv.port), '-t', 'ping,set,get,incr,mset', '-n', '20000', '-c', '50', '-P', p, '-q', '--csv'],
        120_000,
      );
      expect(r.status).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/ERR|Error|error/);
      const tests = r.stdout.split('\n').filter((l) => /^"(PING|SET|GET|INCR|MSET)/.test(l));
      expect(tests.length).toBe(6); // PING_INLINE, PING_MBULK, SET, GET, INCR, MSET
    }
  }, 240_000);
});
