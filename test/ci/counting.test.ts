/**
 * The CI line: .ci/run runs vitest with .ci/count-reporter.mjs and counts
 * the report with .ci/count.mjs. Here the same reporter and counting script
 * run on fixture projects (test/ci/fixtures, files *.fixture.ts, which the
 * main suite does not include): one with every kind of failure vitest can
 * have, one with only passing tests.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const VITEST = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
const REPORTER = path.join(ROOT, '.ci/count-reporter.mjs');
const COUNT = path.join(ROOT, '.ci/count.mjs');
const FIXTURES = path.join(__dirname, 'fixtures');
const CONFIG = path.join(FIXTURES, 'vitest.fixtures.config.mjs');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tredis-ci-count-'));
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Run {
  status: number;
  output: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  // the child vitest must not take itself for a worker of this run
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT, env: { ...base, ...env }, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ status: typeof code === 'number' ? code : -1, output: stdout + stderr });
    });
  });
}

interface Counted {
  vitest: Run;
  count: Run;
  /** count's lines, the CI line last. */
  lines: string[];
}

/** What .ci/run does, on a fixture project (or with a given config file). */
async function countProject(project: string, config = CONFIG): Promise<Counted> {
  const report = path.join(tmp, `${project}.json`);
  fs.rmSync(report, { force: true });
  const vitest = await run(
    [VITEST, 'run', '--root', path.join(FIXTURES, project), '--config', config, '--reporter=default', `--reporter=${REPORTER}`],
    { TREDIS_COUNT_FILE: report },
  );
  const count = await run([COUNT, report, String(vitest.status)]);
  const lines = count.output.trimEnd().split('\n');
  return { vitest, count, lines };
}

function failures(line: string): number {
  const m = /^tests: \d+ passed, (\d+) failed, \d+ skipped$/.exec(line);
  if (!m) throw new Error(`not a CI line: ${line}`);
  return Number(m[1]);
}

describe('the CI line (.ci/count-reporter.mjs + .ci/count.mjs)', () => {
  it('counts failed tests, hooks, modules that fail to load and unhandled errors as failures', async () => {
    const { vitest, count, lines } = await countProject('mixed');
    expect(vitest.status, vitest.output).not.toBe(0);
    // passed: 2 (pass-skip) + 1 (fail) + 1 (after-all) + 1 (suite-hooks) + 2 (unhandled)
    // failed: 3 tests (fail: an assertion, a beforeEach, an afterEach),
    //   4 hooks (before-all, after-all, and suite-hooks' beforeAll and afterAll),
    //   2 modules that do not load (load-error, syntax-error),
    //   2 unhandled errors (a rejection and an uncaught exception)
    // skipped: 1 skipped + 1 todo (pass-skip), 2 under before-all's hook,
    //   2 under suite-hooks' beforeAll
    expect(lines.at(-1), count.output).toBe('tests: 7 passed, 11 failed, 6 skipped');
    expect(failures(lines.at(-1)!)).toBeGreaterThan(0);
    expect(count.status).toBe(1);
    const failed = lines.filter((l) => l.startsWith('FAILED ')).sort();
    expect(failed.map((l) => l.replace(/:.*$/, ''))).toEqual([
      'FAILED (module error) after-all.fixture.ts',
      'FAILED (module error) before-all.fixture.ts',
      'FAILED (module error) load-error.fixture.ts',
      'FAILED (module error) syntax-error.fixture.ts',
      'FAILED (suite error) suite-hooks.fixture.ts > suite with a failing afterAll',
      'FAILED (suite error) suite-hooks.fixture.ts > suite with a failing beforeAll',
      'FAILED (test) fail.fixture.ts > failing afterEach > fails through its afterEach',
      'FAILED (test) fail.fixture.ts > failing beforeEach > fails through its beforeEach',
      'FAILED (test) fail.fixture.ts > fails',
      'FAILED (unhandled error) Uncaught Exception',
      'FAILED (unhandled error) Unhandled Rejection',
    ]);
    expect(lines.filter((l) => /^(SKIPPED|TODO) /.test(l)).sort()).toEqual([
      'SKIPPED before-all.fixture.ts > is skipped by the beforeAll',
      'SKIPPED before-all.fixture.ts > is skipped by the beforeAll too',
      'SKIPPED pass-skip.fixture.ts > is skipped',
      'SKIPPED suite-hooks.fixture.ts > suite with a failing beforeAll > is skipped by the suite beforeAll',
      'SKIPPED suite-hooks.fixture.ts > suite with a failing beforeAll > is skipped by the suite beforeAll too',
      'TODO pass-skip.fixture.ts > is todo',
    ]);
  }, 120_000);

  it('a project with only passing tests: 0 failed, 0 skipped, exit 0', async () => {
    const { vitest, count, lines } = await countProject('passing');
    expect(vitest.status, vitest.output).toBe(0);
    expect(lines.at(-1), count.output).toBe('tests: 3 passed, 0 failed, 0 skipped');
    expect(count.status).toBe(0);
  }, 120_000);

  it('vitest failing before any run (no report) counts 1 failure and says why', async () => {
    const { vitest, count, lines } = await countProject('passing', path.join(tmp, 'no-such-config.mjs'));
    expect(vitest.status, vitest.output).not.toBe(0);
    expect(lines.at(-1), count.output).toBe('tests: 0 passed, 1 failed, 0 skipped');
    expect(lines.some((l) => l.startsWith('count: no report from .ci/count-reporter.mjs'))).toBe(true);
    expect(count.status).toBe(1);
  }, 120_000);

  it('a non-zero exit status with no failure in the report counts 1 failure and says why', async () => {
    const report = path.join(tmp, 'clean.json');
    fs.writeFileSync(report, JSON.stringify({ reason: 'passed', passed: ['a > b'], skipped: [], todo: [], failed: [] }));
    const count = await run([COUNT, report, '1']);
    const lines = count.output.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('tests: 1 passed, 1 failed, 0 skipped');
    expect(lines).toContain('count: vitest exited with status 1 but the report lists no failure: counted as 1 failure');
    expect(count.status).toBe(1);
    const ok = await run([COUNT, report, '0']);
    expect(ok.output.trimEnd().split('\n').at(-1)).toBe('tests: 1 passed, 0 failed, 0 skipped');
    expect(ok.status).toBe(0);
  });
});
