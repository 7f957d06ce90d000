/**
 * A vitest reporter (vitest 4.1 reporter API) that writes what the run did
 * to the JSON file named by $TREDIS_COUNT_FILE, for .ci/count.mjs to count:
 *
 *   { reason, passed: [name], skipped: [name], todo: [name],
 *     failed: [{ kind, name, message }] }
 *
 * `failed` has one item per failed test (a beforeEach/afterEach failure
 * fails its test), per error of a module or suite (a failed beforeAll or
 * afterAll hook, a module that failed to load or collect), per module or
 * test left unfinished, and per unhandled error or rejection. Tests skipped
 * because their beforeAll failed are listed as skipped, and the hook failure
 * as a failure.
 *
 * Usage: TREDIS_COUNT_FILE=out.json vitest run --reporter=default --reporter=/abs/path/.ci/count-reporter.mjs
 */
import fs from 'node:fs';

const firstLine = (s) => String(s ?? '').split('\n')[0];
const messageOf = (e) => firstLine(e?.message ?? e?.name ?? e) || '(no message)';

/** Where a suite or module sits, for the report. */
function where(entity) {
  return entity.type === 'module' ? entity.relativeModuleId : `${entity.module.relativeModuleId} > ${entity.fullName}`;
}

export default class CountReporter {
  onTestRunEnd(testModules, unhandledErrors, reason) {
    const out = process.env.TREDIS_COUNT_FILE;
    if (!out) throw new Error('count-reporter: set TREDIS_COUNT_FILE to the report file');
    const report = { reason, passed: [], skipped: [], todo: [], failed: [] };
    const fail = (kind, name, message) => report.failed.push({ kind, name, message });

    for (const mod of testModules) {
      const state = mod.state();
      if (state === 'queued' || state === 'pending') fail('module not finished', mod.relativeModuleId, `module state ${state}`);
      // errors() of a module or suite: its failed beforeAll/afterAll hooks
      // and, for a module, what stopped it loading or collecting
      const entities = [mod, ...mod.children.allSuites()];
      for (const entity of entities) {
        for (const e of entity.errors()) fail(entity.type === 'module' ? 'module error' : 'suite error', where(entity), messageOf(e));
      }
      let failedInside = 0;
      for (const test of mod.children.allTests()) {
        const name = `${mod.relativeModuleId} > ${test.fullName}`;
        const result = test.result();
        switch (result.state) {
          case 'passed':
            report.passed.push(name);
            break;
          case 'skipped':
            (test.options.mode === 'todo' ? report.todo : report.skipped).push(name);
            break;
          case 'failed':
            failedInside++;
            fail('test', name, messageOf(result.errors[0]));
            break;
          default:
            failedInside++;
            fail('test not finished', name, `test state ${result.state}`);
        }
      }
      // a module vitest marks failed must show up even if nothing above said why
      const suiteErrors = entities.reduce((n, e) => n + e.errors().length, 0);
      if (state === 'failed' && failedInside === 0 && suiteErrors === 0) fail('module failed', mod.relativeModuleId, 'failed without a reported error');
    }
    for (const e of unhandledErrors) fail('unhandled error', e?.type ?? e?.name ?? 'Error', messageOf(e));
    if (reason === 'interrupted') fail('run interrupted', '(vitest)', 'the test run was interrupted');

    fs.writeFileSync(out, JSON.stringify(report, null, 1));
  }
}
