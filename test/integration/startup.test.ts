/**
 * The start-up log of the compiled server (dist/main.js as a child process):
 * the banner with always-show-logo, the one-line form without it, and the
 * "accepted but not implemented" warnings only for directives not in force.
 */
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../ports';

const MAIN = path.join(__dirname, '..', '..', 'dist', 'main.js');


/** Start dist/main.js with `args`, collect stdout until it is ready, then stop it. */
async function startupLog(args: string[]): Promise<{ out: string; pid: number; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, '--port', String(port), '--save', '', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    const deadline = Date.now() + 10000;
    while (!out.includes('Ready to accept connections')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`tredis did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return { out, pid: child.pid!, port };
}

const ignored = (name: string) => `Directive '${name}' is accepted but not implemented by tredis yet; ignored`;

describe('start-up log', () => {
  it('always-show-logo yes prints the banner with version, mode, port and pid lines', async () => {
    const { out, pid, port } = await startupLog(['--always-show-logo', 'yes', '--enable-debug-command', 'local', '--enable-module-command', 'yes']);
    const lines = out.split('\n');
    // the facts sit at the end of banner lines, each on its own line
    const fact = (re: RegExp) => lines.filter((l) => re.test(l));
    expect(fact(/ {2}tredis \d+\.\d+\.\d+, Redis 7\.0\.15 \(00000000\/0\) 64 bit$/)).toHaveLength(1);
    expect(fact(/ {2}Running in standalone mode$/)).toHaveLength(1);
    expect(fact(new RegExp(` {2}Port: ${port}$`))).toHaveLength(1);
    expect(fact(new RegExp(` {2}PID: ${pid}$`))).toHaveLength(1);
    // what tools do: the PID from the banner
    expect(Number(/PID: (\d+)/.exec(out)![1])).toBe(pid);
    // the banner replaces the short line, and comes before "Server initialized"
    expect(out).not.toContain('Running mode=standalone');
    expect(out.indexOf('Running in standalone mode')).toBeLessThan(out.indexOf('Server initialized'));
    // the banner lines are raw: no "pid:M date *" prefix
    const bannerLine = lines.find((l) => l.endsWith('Running in standalone mode'))!;
    expect(bannerLine.startsWith(`${pid}:`)).toBe(false);
    // directives in force are never called ignored
    for (const name of ['always-show-logo', 'enable-debug-command', 'enable-module-command']) expect(out).not.toContain(ignored(name));
    expect(out).not.toMatch(/; ignored/);
  }, 20000);

  it('without always-show-logo and with stdout not a terminal: the one line, no banner', async () => {
    const { out, port } = await startupLog(['--cluster-migration-barrier', '5']);
    expect(out).toMatch(new RegExp(`^\\d+:M .* \\* Running mode=standalone, port=${port}\\.$`, 'm'));
    expect(out).not.toContain('Running in standalone mode');
    expect(out).not.toMatch(/PID: \d+/);
    // a directive that is not in force is still reported
    expect(out).toContain(ignored('cluster-migration-barrier'));
  }, 20000);
});
